"""The routing classifier on a generated corpus with a known answer: features, training, evaluation,
model files (versions, activation, corrupt and missing files) and the runtime suggest()."""

from __future__ import annotations

import csv
import random
import threading
from pathlib import Path

import numpy as np
import pytest

from shiyu.routing.classifier import features, runtime, storage, training
from shiyu.routing.classifier.evaluation import calibration, evaluate

TOPICS = {
    "C01": ["路灯", "不亮", "照明", "灯杆", "黑暗", "电线"],
    "C02": ["噪音", "扰民", "施工", "音响", "深夜", "吵闹"],
    "C03": ["油烟", "餐馆", "排放", "气味", "烧烤", "净化"],
    "C04": ["学校", "学位", "入学", "招生", "老师", "课程"],
}
FILLER = ["小区", "居民", "希望", "尽快", "处理", "附近", "每天", "反映", "问题", "多次", "相关部门", "我们"]


def make_corpus(per_class: int, seed: int) -> training.Corpus:
    """Messages whose category is decided by its topic words, padded the way exported message
    boards pad them (leading \\n\\t, ideographic spaces)."""
    rng = random.Random(seed)
    corpus = training.Corpus()
    for label, words in TOPICS.items():
        for _ in range(per_class):
            body = rng.sample(words, 3) + rng.sample(FILLER, 5)
            rng.shuffle(body)
            corpus.add(
                rng.choice(words) + rng.choice(FILLER), "\n\t\u3000" + "，".join(body) + "。\u3000\n", label
            )
    return corpus


def write_csv(path: Path, corpus: training.Corpus) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "title", "body", "label"])
        for i, (t, b, y) in enumerate(zip(corpus.titles, corpus.bodies, corpus.labels, strict=True)):
            writer.writerow([i, t, b, y])
    return path


@pytest.fixture(scope="module")
def trained():
    model, meta = training.train(make_corpus(12, seed=1), cv_folds=3)
    return model, meta


@pytest.fixture
def model_dir(tmp_path, settings):
    directory = tmp_path / "models"
    settings.SHIYU_ROUTING_MODEL_DIR = str(directory)
    settings.SHIYU_ROUTING_MODEL_CHECK_SECONDS = 0
    runtime.reset()
    yield directory
    runtime.reset()


# -- features -----------------------------------------------------------------------------------


def test_clean_removes_board_padding_and_control_characters():
    assert features.clean("\n\t\u3000路灯\u3000不亮\u200b\x07 ！ＡＢ\n") == "路灯 不亮 !ab"
    assert features.clean(None) == ""


def test_noise_that_says_where_is_left_out_only_when_asked():
    text = "A3区Ｋ8县 某路 电话13812345678_x000D_ 路灯_x000A_"
    assert features.clean(text) == "a3区k8县 某路 电话13812345678_x000d_ 路灯_x000a_"
    assert features.clean(text, strip_noise=True) == "某路 电话 路灯"
    # What only looks like it stays: short numbers, letters inside words, letter-coded things.
    kept = "3号楼 wifi区 4s店 b超 2019年 a市场 b区域"
    assert features.clean(kept, strip_noise=True) == kept


def test_models_written_before_noise_stripping_keep_reading_texts_as_they_were_trained():
    model, _ = training.train(make_corpus(6, seed=31), cv_folds=0)
    assert model.features.strip_noise is True
    state = model.features.__getstate__()
    del state["strip_noise"]  # a file written before the flag
    old = features.TextFeatures.__new__(features.TextFeatures)
    old.__setstate__(state)
    assert old.strip_noise is False
    assert old.clean(["A3区路灯"]) == ["a3区路灯"] and model.features.clean(["A3区路灯"]) == ["路灯"]


def test_hashed_tfidf_equals_scikit_learns_char_tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["路灯不亮路灯", "噪音扰民", "abc abd", "灯"]
    ours = features.HashedTfidf(1, 3).fit(texts)
    theirs = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), lowercase=False, sublinear_tf=True).fit(
        texts
    )
    assert len(ours.vocab) == len(theirs.vocabulary_)
    # Map each of their n-grams to our column through its hash, then compare the matrices.
    grams = sorted(theirs.vocabulary_, key=theirs.vocabulary_.get)
    ours_cols = [
        int(np.searchsorted(ours.vocab, features.ngram_hashes([g], len(g), len(g))[1][0])) for g in grams
    ]
    assert sorted(ours_cols) == list(range(len(grams)))
    expected = theirs.transform(texts).toarray()
    got = ours.transform(texts).toarray()[:, ours_cols]
    assert np.allclose(got, expected)
    one = features.HashedTfidf(2, 2).fit(["路灯路灯"])
    assert one.transform(["路灯路灯"]).nnz == 2  # 路灯 and 灯路


def test_unlabelled_texts_count_in_the_idf_but_add_no_vocabulary():
    vec = features.HashedTfidf(1, 2).fit(["ab"], ["ab", "cd", "a"])
    assert len(vec.vocab) == 3  # a, b, ab: nothing from "cd"
    idf = {
        gram: vec.idf[np.searchsorted(vec.vocab, features.ngram_hashes([gram], len(gram), len(gram))[1][0])]
        for gram in ("a", "b", "ab")
    }
    # 4 texts in all; "a" is in 3 of them, "b" and "ab" in 2.
    assert idf["a"] == pytest.approx(np.log(5 / 4) + 1)
    assert idf["b"] == pytest.approx(np.log(5 / 3) + 1) and idf["ab"] == idf["b"]
    again = features.HashedTfidf(1, 2).fit(["ab"], ["ab", "cd", "a"])  # from the cached counts
    assert np.array_equal(again.vocab, vec.vocab) and np.allclose(again.idf, vec.idf)


def test_ngrams_never_cross_text_boundaries():
    doc, hashes = features.ngram_hashes(["ab", "cd"], 2, 2)
    assert doc.tolist() == [0, 1]
    single = {features.ngram_hashes([t], 2, 2)[1][0] for t in ("ab", "cd")}
    assert set(hashes.tolist()) == single


def test_words_block_uses_jieba_words_of_the_training_texts():
    vec = features.HashedTfidf(words=True).fit(["施工噪音扰民"])  # jieba: 施工 / 噪音 / 扰民
    assert len(vec.vocab) == 3
    X = vec.transform(["噪音", "深夜施工噪音", "完全无关的话"])
    assert [X[i].nnz for i in range(3)] == [1, 2, 0]


# -- training and evaluation ----------------------------------------------------------------------


def test_training_learns_the_generated_answer(trained):
    model, meta = trained
    assert model.labels == sorted(TOPICS)
    assert meta["n"] == 48 and meta["labels"] == {label: 12 for label in TOPICS}
    assert meta["metrics"]["macro_f1"] >= 0.9 and meta["metrics"]["folds"] == 3
    held_out = make_corpus(10, seed=99)
    scores = evaluate(model, held_out.titles, held_out.bodies, held_out.labels, with_calibration=True)
    assert scores["n"] == 40
    assert scores["macro_f1"] >= 0.95 and scores["accuracy"] >= 0.95
    assert set(scores["per_class"]) == set(TOPICS)
    assert 0 <= scores["brier"] < 0.3 and 0 <= scores["ece"] < 0.3
    top = model.top_k("晚上路灯全部不亮", "小区里的路灯和灯杆坏了，一片黑暗", 3)
    assert [label for label, _ in top][0] == "C01"
    assert top[0][1] > 0.5 and top[0][1] >= top[1][1] >= top[2][1]
    proba = model.predict_proba(held_out.titles, held_out.bodies)
    assert np.allclose(proba.sum(axis=1), 1.0)


def test_fast_probabilities_equal_scikit_learns(trained):
    model, _ = trained
    held_out = make_corpus(5, seed=5)
    X = model.features.transform(held_out.titles, held_out.bodies)
    member = model.classifier.members[0]
    assert np.allclose(
        model.predict_proba(held_out.titles, held_out.bodies), member.predict_proba(X), atol=1e-6
    )


def test_one_message_at_a_time_equals_the_batch_and_scikit_learn():
    # Intake classifies one message per call, through the same triplets-to-weights path as a
    # batch: the same top 3 and the same probabilities, for texts with and without known n-grams.
    corpus = make_corpus(30, seed=41)
    model, _ = training.train(corpus, cv_folds=0)
    texts = make_corpus(15, seed=42)
    titles = [*texts.titles, "", "完全无关的话", "ＡＢＣ１２３"]
    bodies = [*texts.bodies, "", "", "\u3000"]
    batch = model.predict_proba(titles, bodies)
    sklearn_proba = model.classifier.members[0].predict_proba(model.features.transform(titles, bodies))
    assert np.abs(batch - sklearn_proba).max() < 1e-9
    labels = model.labels
    for i, (title, body) in enumerate(zip(titles, bodies, strict=True)):
        single = model.predict_proba([title], [body])[0]
        assert np.abs(single - batch[i]).max() < 1e-9
        order = np.argsort(-batch[i], kind="stable")[:3]
        top = model.top_k(title, body, 3)
        assert [label for label, _ in top] == [labels[j] for j in order]
        assert [confidence for _, confidence in top] == [round(float(batch[i][j]), 4) for j in order]
    # A text with no known n-gram gets the intercepts' answer, not an error.
    assert np.allclose(batch[-3:].sum(axis=1), 1.0)


def test_one_table_over_all_blocks_equals_the_blocks_one_by_one(trained):
    # The joint index (one n-gram pass, one probe, one weighing for all blocks and fields) must
    # give each block's own TF-IDF, weighted and stacked.
    import scipy.sparse as sp

    model, _ = trained
    texts = make_corpus(4, seed=43)
    titles = [features.clean(t) for t in texts.titles]
    bodies = [features.clean(b) for b in texts.bodies]
    fields = {"title": titles, "body": bodies}
    expected = sp.hstack(
        [block.vectorizer.transform(fields[block.field]) * block.weight for block in model.features.blocks]
    ).toarray()
    got = model.features.transform(texts.titles, texts.bodies).toarray()
    assert got.shape == expected.shape and np.abs(got - expected).max() < 1e-12


def test_clean_gives_what_nfkc_gives():
    import re
    import unicodedata

    def reference(text):
        text = unicodedata.normalize("NFKC", text).lower()
        return re.sub(r"\s+", " ", features._CONTROL.sub("", text)).strip()

    rng = random.Random(7)
    alphabet = [
        chr(c)
        for c in [
            *range(0x20, 0x180),
            *range(0x300, 0x370),
            *range(0x3000, 0x3040),
            *range(0xFF00, 0xFFF0),
            0x1E9B,
            0x212B,
            0xFB01,
            0x2460,
            0xAC00,
            0x1100,
            0x1161,
        ]
    ]
    samples = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    samples += ["\n\t\u3000路灯，不亮！（Ａ３区）\u3000", "ｶﾞｷﾞ", "e\u0301\uff21\u0301"]
    assert [features.clean(s) for s in samples] == [reference(s) for s in samples]


def test_two_categories_work_too():
    corpus = make_corpus(8, seed=6)
    two = corpus.subset(i for i, label in enumerate(corpus.labels) if label in ("C01", "C02"))
    model, _ = training.train(two, cv_folds=0)
    X = model.features.transform(two.titles, two.bodies)
    assert np.allclose(
        model.predict_proba(two.titles, two.bodies), model.classifier.members[0].predict_proba(X)
    )
    assert model.top_k("深夜施工噪音", "", 3)[0][0] == "C02" and len(model.top_k("深夜施工噪音", "", 3)) == 2


def test_self_training_uses_the_unlabelled_texts_it_is_sure_about():
    corpus, unlabelled = make_corpus(6, seed=21), make_corpus(10, seed=22)
    extra = (unlabelled.titles, unlabelled.bodies)
    plain, _ = training.train(corpus, cv_folds=0, extra=extra)
    selftrained, _ = training.train(corpus, {"self_train": 0.5}, cv_folds=0, extra=extra)

    def weights(model):
        return model.classifier.members[0].calibrated_classifiers_[0].estimator.coef_

    assert weights(plain).shape == weights(selftrained).shape  # same vocabulary
    assert not np.allclose(weights(plain), weights(selftrained))  # more (pseudo-labelled) rows
    held_out = make_corpus(10, seed=23)
    assert evaluate(selftrained, held_out.titles, held_out.bodies, held_out.labels)["macro_f1"] >= 0.95


def test_taxonomy_names_become_hints_of_their_label():
    paths = [
        [("商贸旅游", "商贸旅游"), ("市场监管", "市场监管"), ("传销", "传销")],
        [("商贸旅游", "商贸旅游"), ("其他", "其他"), ("其他", "其他")],  # generic names: nothing
        [("政法", "政法"), ("治安", "治安")],  # not a label: nothing
        [("C01", "城乡建设"), ("C0101", "路灯")],  # the leaf is the label: its own name
        [("商贸旅游", "商贸旅游"), ("市场监管", "市场监管"), ("传销", "传销")],  # once only
    ]
    hints = training.hints_from_paths(paths, ["商贸旅游", "C01", "C0101"])
    assert list(zip(hints.titles, hints.bodies, hints.labels, strict=True)) == [
        ("市场监管 传销", "市场监管 传销", "商贸旅游"),
        ("路灯", "路灯", "C0101"),
    ]


def test_hints_teach_words_no_message_has_and_are_never_test_rows():
    corpus = make_corpus(8, seed=41)
    hints = training.hints_from_paths(
        [[("C03", "环境"), ("x", "餐饮油污 熏人 恶臭")], [("C09", "其他类别"), ("y", "熏人")]], corpus.labels
    )
    assert hints.labels == ["C03"]  # C09 is no label of the corpus
    plain, _ = training.train(corpus, cv_folds=0)
    hinted, meta = training.train(corpus, cv_folds=3, hints=hints)
    assert meta["hints"] == 1 and meta["n"] == len(corpus)
    assert meta["metrics"]["macro_f1"] >= 0.95
    text = ("家门口恶臭熏人", "楼下餐饮油污恶臭熏人")
    assert hinted.top_k(*text)[0][0] == "C03"
    assert dict(hinted.top_k(*text, 4))["C03"] > dict(plain.top_k(*text, 4))["C03"] + 0.2


def test_cross_validation_scores_only_corpus_rows_and_every_one_once_a_repeat(monkeypatch):
    corpus = make_corpus(6, seed=43)
    hints = training.hints_from_paths([[("C01", "x"), ("y", "灯杆倒伏")], [("C02", "x"), ("y", "广场舞")]],
                                      corpus.labels)
    scored: list[str] = []
    real = training.f1_scores

    def spy(y_true, y_pred):
        scored.extend(y_true)
        return real(y_true, y_pred)

    monkeypatch.setattr(training, "f1_scores", spy)
    training.cross_validate(corpus, folds=3, repeats=2, hints=hints)
    assert sorted(scored) == sorted(corpus.labels * 2)


def test_read_taxonomy_from_csv_and_xlsx(tmp_path):
    import openpyxl

    rows = [
        ["一级分类", "二级分类", "三级分类"],
        ["商贸旅游", "市场监管", "传销"],
        ["商贸旅游", "旅游管理", None],
    ]
    with open(tmp_path / "tree.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "tree.xlsx")
    expected = [
        [("商贸旅游", "商贸旅游"), ("市场监管", "市场监管"), ("传销", "传销")],
        [("商贸旅游", "商贸旅游"), ("旅游管理", "旅游管理")],
    ]
    assert training.read_taxonomy(tmp_path / "tree.csv") == expected
    assert training.read_taxonomy(tmp_path / "tree.xlsx") == expected
    # Cells by position: a header narrower than the rows, or with blank cells, loses nothing.
    leaves = "商贸旅游,市场监管,传销\n商贸旅游,旅游管理,\n"
    for name, header in (("narrow.csv", "分类"), ("blank.csv", "分类,,")):
        (tmp_path / name).write_text(f"{header}\n{leaves}", encoding="utf-8")
        assert training.read_taxonomy(tmp_path / name) == expected
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(training.CorpusError, match="bad.xlsx"):
        training.read_taxonomy(tmp_path / "bad.xlsx")
    (tmp_path / "empty.csv").write_text("一级分类\n", encoding="utf-8")
    with pytest.raises(training.CorpusError, match="no rows"):
        training.read_taxonomy(tmp_path / "empty.csv")


def test_calibration_scores_are_right_on_a_known_case():
    proba = np.array([[0.9, 0.1], [0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    result = calibration(["a", "b", "b", "a"], proba, ["a", "b"])
    # Brier: (0.01+0.01) + (0.81+0.81) + (0.04+0.04) + (0.16+0.16) = 2.04 over 4 rows.
    assert result["brier"] == pytest.approx(0.51)
    # Bins: 0.9 (hit rate 1/2), 0.8 (1/1), 0.6 (1/1): 0.5*0.4 + 0.25*0.2 + 0.25*0.4 = 0.35.
    assert result["ece"] == pytest.approx(0.35)


def test_too_small_classes_are_left_out_and_one_class_is_refused():
    corpus = make_corpus(6, seed=3)
    corpus.add("一条孤立的留言", "只有一条", "C99")
    kept, dropped = training.trainable(corpus)
    assert dropped == {"C99": 1} and "C99" not in kept.labels
    lonely = training.Corpus()
    for _ in range(5):
        lonely.add("路灯", "不亮", "C01")
    with pytest.raises(training.CorpusError):
        training.trainable(lonely)


def test_read_csv_reports_missing_columns(tmp_path):
    path = write_csv(tmp_path / "x.csv", make_corpus(2, seed=4))
    with pytest.raises(training.CorpusError, match="no column 详情"):
        training.read_csv(path, ["title", "详情"], "label")
    corpus = training.read_csv(path, ["body"], "label")
    assert corpus.titles[0] == "" and "，" in corpus.bodies[0]


# -- model files and the runtime ---------------------------------------------------------------------


def test_suggest_without_any_model_is_empty(model_dir):
    assert runtime.suggest("路灯不亮", "晚上一片黑暗") == []
    assert runtime.active_model_info() is None


def test_versions_activation_and_reload(model_dir, trained, caplog):
    model, meta = trained
    first = storage.save_version(model, {**meta, "trained_at": "t1"}, activate=True)
    assert runtime.suggest("路灯不亮", "灯杆坏了，一片黑暗")[0].label == "C01"
    info = runtime.active_model_info()
    assert info["version"] == first["version"] and info["size"] > 0 and info["metrics"]["macro_f1"] >= 0.9
    second = storage.save_version(model, {**meta, "trained_at": "t2"}, activate=False)
    listed = storage.list_versions()
    assert [row["version"] for row in listed] == sorted([first["version"], second["version"]], reverse=True)
    assert [row["active"] for row in listed if row["version"] == first["version"]] == [True]
    storage.activate_version(second["version"])
    assert runtime.active_model_info()["version"] == second["version"]
    with pytest.raises(storage.ModelFileError):
        storage.activate_version("no-such-version")
    with pytest.raises(storage.ModelFileError):
        storage.activate_version("../../etc/passwd")
    assert storage.active_version() == second["version"]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete", "checksum", "world_writable"])
def test_broken_model_files_give_no_suggestions_and_no_exception(model_dir, trained, caplog, damage):
    model, meta = trained
    saved = storage.save_version(model, meta, activate=True)
    assert runtime.suggest("路灯不亮", "") != []
    path = Path(saved["path"] if "path" in saved else storage.model_path(saved["version"]))
    if damage == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(b"not a model at all")
    elif damage == "delete":
        path.unlink()
    elif damage == "checksum":
        import joblib

        joblib.dump(model, path, compress=0)  # a valid model file, but not the bytes recorded
    elif damage == "world_writable":
        path.chmod(0o666)
    caplog.clear()
    with caplog.at_level("WARNING", logger="shiyu.routing.classifier.runtime"):
        for _ in range(3):
            assert runtime.suggest("路灯不亮", "灯杆坏了") == []
    assert runtime.active_model_info() is None
    # Logged once, not on every submission.
    assert len([r for r in caplog.records if "cannot be used" in r.getMessage()]) == 1


def test_suggest_is_thread_safe(model_dir, trained):
    model, meta = trained
    storage.save_version(model, meta, activate=True)

    def hammer(calls: int) -> tuple[list, list]:
        results, errors = [], []

        def work():
            try:
                for _ in range(calls):
                    results.append(runtime.suggest("深夜施工噪音扰民", "音响吵闹", 2))
            except Exception as exc:  # pragma: no cover - the assertion below reports it
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results, errors

    # Cold: one thread loads; the others do not wait for it and answer [] meanwhile.
    results, errors = hammer(20)
    assert not errors and len(results) == 80
    assert all(r == [] or (r[0].label == "C02" and len(r) == 2) for r in results)
    assert any(r for r in results)
    # Loaded: every call answers, the same answer.
    results, errors = hammer(20)
    assert not errors and len(results) == 80
    assert all(r and r[0].label == "C02" and len(r) == 2 for r in results)
    assert len({tuple(r) for r in results}) == 1


def test_an_untrusted_file_is_never_unpickled(tmp_path, trained):
    model, _ = trained
    path = tmp_path / "m.joblib"
    storage.dump_file(model, path)
    assert storage.load_file(path).labels == model.labels
    path.chmod(0o666)
    with pytest.raises(storage.ModelFileError, match="writable by anyone"):
        storage.load_file(path)
    path.chmod(0o644)
    with pytest.raises(storage.ModelFileError, match="checksum"):
        storage.load_file(path, expected_sha256="0" * 64)
    # A folder anyone may write to could have had the file swapped; a sticky one (like /tmp) not.
    folder = tmp_path / "shared"
    folder.mkdir()
    inside = folder / "m.joblib"
    storage.dump_file(model, inside)
    folder.chmod(0o777)
    with pytest.raises(storage.ModelFileError, match="folder .* writable by anyone"):
        storage.load_file(inside)
    folder.chmod(0o1777)
    assert storage.load_file(inside).labels == model.labels
    folder.chmod(0o755)
