import numpy as np

from csops.engine.text import HashedTfidf

CORPUS = [
    "card payment declined",
    "card top up failed",
    "card arrived damaged",
    "card pin blocked",
    "refund not received",
]


def test_learn_updates_frequencies_without_encoding() -> None:
    batch = HashedTfidf(dim=256)
    assert batch.learn(CORPUS) == len(CORPUS)
    per_item = HashedTfidf(dim=256)
    per_item.encode_many(CORPUS)
    assert batch.n_docs == per_item.n_docs == len(CORPUS)
    assert batch.state() == per_item.state()


def test_encode_without_learning_leaves_state_alone() -> None:
    enc = HashedTfidf(dim=256)
    enc.learn(CORPUS)
    before = enc.state()
    enc.encode("card payment declined again", learn=False)
    enc.encode_many(["brand new words"], learn=False)
    assert enc.state() == before


def test_learning_in_batches_equals_learning_per_item() -> None:
    batched = HashedTfidf(dim=256)
    batched.learn(CORPUS[:2])
    batched.learn(CORPUS[2:])
    vec_batched = batched.encode("card payment failed", learn=False)
    streamed = HashedTfidf(dim=256)
    for text in CORPUS:
        streamed.encode(text)
    assert np.allclose(vec_batched, streamed.encode("card payment failed", learn=False))


def test_idf_makes_a_shared_rare_word_count_more_than_a_common_one() -> None:
    enc = HashedTfidf(dim=1024)
    enc.learn(CORPUS * 4)
    common = enc.encode_many(["card payment", "card arrived"], learn=False)
    rare = enc.encode_many(["refund payment", "refund arrived"], learn=False)
    assert float(rare[0] @ rare[1]) > float(common[0] @ common[1]) + 0.05


def test_encoding_is_stable_across_calls_and_restarts() -> None:
    enc = HashedTfidf(dim=512)
    enc.learn(CORPUS)
    first = enc.encode("card payment declined twice", learn=False)
    again = enc.encode("card payment declined twice", learn=False)
    restored = HashedTfidf.from_state(enc.state()).encode(
        "card payment declined twice", learn=False
    )
    assert np.array_equal(first, again) and np.allclose(first, restored)
    assert abs(float(np.linalg.norm(first)) - 1.0) < 1e-5


def test_empty_text_gives_a_zero_vector() -> None:
    enc = HashedTfidf(dim=256)
    enc.learn(CORPUS)
    assert not enc.encode("", learn=False).any()
    assert not enc.encode("the and of", learn=False).any()
