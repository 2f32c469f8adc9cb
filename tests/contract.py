"""The tables and columns of ../shared/spec/contract.md's minimal schema, for the tests."""

CONTRACT_TABLES = {
    "notes": {"id", "path", "event", "group_name", "date", "language", "sha256"},
    "items": {
        "id",
        "note_id",
        "position",
        "text",
        "kind",
        "language",
        "themes",
        "sectors",
        "districts",
        "recommendation_id",
    },
    "recommendations": {"id", "text", "kind", "themes", "districts", "mentions", "groups"},
    "organizations": {"id", "name", "sector"},
    "partnerships": {"id", "item_id", "partnership_type", "districts"},
    "partnership_members": {"partnership_id", "organization_id"},
}
