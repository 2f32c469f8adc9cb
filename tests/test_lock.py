import os

import pytest

from pipeline.errors import RekomendacjeError
from pipeline.lock import build_lock, lock_path_for


def test_second_build_of_the_same_database_is_refused(tmp_path):
    db = tmp_path / "rekomendacje.db"
    with build_lock(db):
        assert lock_path_for(db).read_text() == str(os.getpid())
        with pytest.raises(RekomendacjeError, match=f"another build .* \\(pid {os.getpid()}\\)"):
            with build_lock(db):
                pass
    with build_lock(db):  # released: the next build may run
        pass


def test_builds_of_different_databases_do_not_block_each_other(tmp_path):
    with build_lock(tmp_path / "a.db"), build_lock(tmp_path / "b.db"):
        assert lock_path_for(tmp_path / "a.db").exists()
