from warwire.corpus.io import Example
from warwire.corpus.stats import _by_key


def article(article_id: str, conflict: str) -> Example:
    return Example(f"{article_id}-s000", article_id, "A sentence.", [], {"conflict": conflict})


def test_articles_per_conflict_most_first_and_ties_by_name():
    splits = {
        "train": [article("a1", "Sudan"), article("a2", "Libya"), article("a3", "Sudan"), article("a4", "Haiti")],
        "dev": [article("d1", "Libya"), article("d2", "Bosnia")],
    }
    rows = _by_key(splits, "conflict")[2:]
    assert rows == [
        "| Libya | 1 | 1 | 2 |",
        "| Sudan | 2 | 0 | 2 |",
        "| Bosnia | 0 | 1 | 1 |",
        "| Haiti | 1 | 0 | 1 |",
    ]
