import csv
import random

import pytest

from ckanext.govopen.desensitize import synthetic as S

KEY = b"test-master-key-0123456789abcdef"


def write_people(path, n=300, seed=5, encoding="utf-8", extra=True):
    rng = random.Random(seed)
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(S.HEADER + (["年龄", "性别"] if extra else []))
        for _ in range(n):
            w.writerow(S.row(rng) + ([str(rng.randrange(18, 90)), rng.choice("男女")] if extra else []))
    return path


@pytest.fixture
def people_csv(tmp_path):
    return str(write_people(tmp_path / "people.csv"))
