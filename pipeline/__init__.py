"""rekomendacje: facilitator notes in, a searchable knowledge base of recommendations out."""

__version__ = "0.1.0"
