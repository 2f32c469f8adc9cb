import io

import pytest

from pipeline.errors import RekomendacjeError
from pipeline.jsonl import read_records, write_records


def test_records_round_trip_with_polish_letters():
    source = io.StringIO(
        '{"id": "a", "text": "Brakuje mieszkań"}\n\n{"id": "b", "text": "Житло"}\n'
    )
    records = list(read_records(source, "in.jsonl"))
    assert [r["id"] for r in records] == ["a", "b"]
    target = io.StringIO()
    assert write_records(records, target) == 2
    assert target.getvalue().splitlines()[0] == '{"id": "a", "text": "Brakuje mieszkań"}'


@pytest.mark.parametrize(
    ("line", "message"),
    [("{not json", "not valid JSON"), ('["a"]', "JSON object"), ('{"id": "a"}', "text")],
)
def test_bad_lines_name_the_file_and_line(line, message):
    source = io.StringIO('{"id": "ok", "text": "x"}\n' + line + "\n")
    with pytest.raises(RekomendacjeError) as raised:
        list(read_records(source, "in.jsonl"))
    assert raised.value.path == "in.jsonl"
    assert raised.value.line == 2
    assert message in raised.value.message
