"""The classifier with the database: training on the city's closed cases (`shiyu routing train`),
the admin's models page (retrain queued as a task, activate), and the offline CLI with no database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from shiyu.audit.models import AuditEvent
from shiyu.cases.models import Case
from shiyu.routing.classifier import runtime, storage
from shiyu.routing.tests.test_classifier import make_corpus, write_csv

ROOT = Path(__file__).resolve().parents[3]
# Generated topics mapped onto the test city's leaf categories.
CODES = {"C01": "C010302", "C02": "C020101", "C03": "C020201", "C04": "C050101"}


@pytest.fixture
def model_dir(tmp_path, settings):
    settings.SHIYU_ROUTING_MODEL_DIR = str(tmp_path / "models")
    settings.SHIYU_ROUTING_MODEL_CHECK_SECONDS = 0
    runtime.reset()
    yield Path(settings.SHIYU_ROUTING_MODEL_DIR)
    runtime.reset()


@pytest.fixture
def closed_cases(submit_case):
    """Cases submitted through intake, then marked closed with their (final) category."""
    corpus = make_corpus(6, seed=7)
    ids = []
    for title, body, label in zip(corpus.titles, corpus.bodies, corpus.labels, strict=True):
        ids.append(submit_case(title=title, body=body, category=CODES[label]).pk)
    Case.objects.filter(pk__in=ids).update(state="closed")
    # An open case is not training data.
    submit_case(title="路灯不亮", body="灯杆黑暗", category="C020101")
    return ids


@pytest.mark.django_db
def test_train_on_closed_cases_writes_activates_and_serves_a_version(model_dir, closed_cases, capsys):
    assert runtime.suggest("路灯不亮", "") == []
    call_command("routing", "train", "--cv", "3", "--quiet")
    out = capsys.readouterr().out
    assert "24 rows, 4 categories" in out and "activated" in out
    versions = storage.list_versions()
    assert len(versions) == 1 and versions[0]["active"] and versions[0]["source"] == "cases"
    assert versions[0]["labels"] == {code: 6 for code in CODES.values()}
    assert versions[0]["metrics"]["folds"] == 3
    # The city's category tree gives each (leaf) label its name as a hint; the open case counts in
    # the idf weights only.
    assert versions[0]["hints"] == 4 and versions[0]["unlabelled"] == 1
    top = runtime.suggest("晚上路灯全部不亮", "小区里的灯杆坏了，一片黑暗")
    assert top[0].label == "C010302" and len(top) == 3
    assert runtime.active_model_info()["version"] == versions[0]["version"]

    call_command("routing", "train", "--cv", "0", "--quiet", "--no-activate")
    versions = storage.list_versions()
    assert len(versions) == 2 and [v["active"] for v in versions] == [False, True]
    call_command("routing", "activate", versions[0]["version"])
    assert storage.active_version() == versions[0]["version"]
    assert runtime.active_model_info()["version"] == versions[0]["version"]
    call_command("routing", "models")
    listing = capsys.readouterr().out
    assert listing.count("\n") >= 2 and f"* {versions[0]['version']}" in listing


@pytest.mark.django_db
def test_train_with_too_little_data_is_a_clear_error_and_keeps_the_active_model(model_dir, city):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least two categories"):
        call_command("routing", "train", "--quiet")
    assert storage.list_versions() == []


@pytest.mark.django_db
def test_admin_models_page_retrain_and_activate(model_dir, closed_cases, django_capture_on_commit_callbacks):
    from shiyu.accounts.models import User

    url = reverse("admin:routing_classifier_models")
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    page = admin.get(url)
    assert page.status_code == 200 and b"classifier-models" not in page.content  # no models yet

    audits = AuditEvent.objects.filter(verb="routing.model.retrain").count()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, {"action": "retrain"})
    assert response.status_code == 302
    # Tests run tasks immediately: after commit the retrain has run and activated its version.
    versions = storage.list_versions()
    assert len(versions) == 1 and versions[0]["active"]
    assert AuditEvent.objects.filter(verb="routing.model.retrain").count() == audits + 1
    page = admin.get(url)
    assert versions[0]["version"].encode() in page.content and b"classifier-models" in page.content

    response = admin.post(url, {"action": "activate", "version": "no-such-version"})
    assert response.status_code == 302 and storage.active_version() == versions[0]["version"]

    # A staff member who is not an administrator may not retrain: nothing changes.
    dispatcher = User.objects.get(username="dispatcher")
    dispatcher.is_staff = True
    dispatcher.save(update_fields=["is_staff"])
    other = Client()
    other.force_login(dispatcher)
    before = AuditEvent.objects.count()
    assert other.post(url, {"action": "retrain"}).status_code in (302, 403)
    assert len(storage.list_versions()) == 1 and AuditEvent.objects.count() == before
    assert Client().post(url, {"action": "retrain"}).status_code == 302  # to the admin login
    assert len(storage.list_versions()) == 1


def test_offline_cli_trains_and_evaluates_without_a_database(tmp_path):
    train_csv = write_csv(tmp_path / "train.csv", make_corpus(10, seed=11))
    tree = tmp_path / "taxonomy.csv"  # beside the CSV: taken by default (--taxonomy auto)
    tree.write_text("一级,二级\nC01,灯杆倒伏\nC02,广场舞\nC09,其他\n", encoding="utf-8")
    test_csv = write_csv(tmp_path / "test.csv", make_corpus(8, seed=12))
    model = tmp_path / "out" / "model.joblib"
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nowhere",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "SHIYU_VAR_DIR": str(tmp_path / "var"),
    }
    shiyu = [sys.executable, "-c", "from shiyu.cli import main; main()"]
    done = subprocess.run(
        [
            *shiyu,
            "routing",
            "train",
            "--csv",
            str(train_csv),
            "--text",
            "title,body",
            "--label",
            "label",
            "--out",
            str(model),
            "--cv",
            "2",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "40 rows, 4 categories, 2 hints from taxonomy.csv" in done.stdout
    assert model.is_file()
    meta = json.loads(model.with_suffix(".json").read_text())
    assert meta["n"] == 40 and meta["hints"] == 2
    done = subprocess.run(
        [
            *shiyu,
            "routing",
            "evaluate",
            "--model",
            str(model),
            "--csv",
            str(test_csv),
            "--text",
            "title,body",
            "--label",
            "label",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert set(result) == {"macro_f1", "accuracy", "n", "per_class"}
    assert result["n"] == 32 and result["macro_f1"] >= 0.95 and result["accuracy"] >= 0.95
    assert set(result["per_class"]) == {"C01", "C02", "C03", "C04"}
    # A missing column is a one-line error, not a traceback.
    done = subprocess.run(
        [
            *shiyu,
            "routing",
            "evaluate",
            "--model",
            str(model),
            "--csv",
            str(test_csv),
            "--text",
            "标题,body",
            "--label",
            "label",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1 and "no column 标题" in done.stderr and "Traceback" not in done.stderr


def test_the_cli_takes_the_category_tree_beside_the_csv_unless_told_otherwise(tmp_path):
    from shiyu.routing.management.commands.routing import _taxonomy_file

    data = tmp_path / "messages.csv"
    assert _taxonomy_file("auto", data) is None
    (tmp_path / "taxonomy.xlsx").write_bytes(b"")
    assert _taxonomy_file("auto", data) == tmp_path / "taxonomy.xlsx"
    assert _taxonomy_file("AUTO", data) == tmp_path / "taxonomy.xlsx"
    assert _taxonomy_file("none", data) is None
    assert _taxonomy_file("elsewhere/tree.csv", data) == Path("elsewhere/tree.csv")


@pytest.mark.django_db
def test_category_paths_follow_the_active_tree(city):
    from shiyu.cases import taxonomy
    from shiyu.cases.models import Category
    from shiyu.routing.selectors import category_paths

    paths = {tuple(code for code, _ in path): [name for _, name in path] for path in category_paths()}
    assert paths[("C01", "C0103", "C010302")] == ["城乡建设", "市政设施", "路灯不亮"]
    assert not any(path[-1] in ("C01", "C0103") for path in paths)  # parents are no leaves
    # An inactive leaf is no path; a parent left with no active child is a leaf itself.
    Category.objects.filter(code="C010302").update(is_active=False)
    taxonomy.categories.invalidate()
    paths = {tuple(code for code, _ in path) for path in category_paths()}
    assert ("C01", "C0103", "C010302") not in paths and ("C01", "C0103", "C010301") in paths
    Category.objects.filter(code="C010301").update(is_active=False)
    taxonomy.categories.invalidate()
    assert ("C01", "C0103") in {tuple(code for code, _ in path) for path in category_paths()}
    taxonomy.categories.invalidate()


@pytest.mark.django_db
def test_unlabelled_texts_are_cases_still_being_handled(submit_case):
    from shiyu.routing.selectors import unlabelled_rows

    states = ["submitted", "in_progress", "replied", "closed", "rejected", "merged"]
    for state in states:
        Case.objects.filter(pk=submit_case(title=f"标题{state}", body=f"内容{state}").pk).update(state=state)
    titles, bodies = unlabelled_rows()
    assert sorted(titles) == ["标题in_progress", "标题replied", "标题submitted"]
    assert sorted(bodies) == ["内容in_progress", "内容replied", "内容submitted"]
    assert len(unlabelled_rows(limit=2)[0]) == 2


def test_an_unreadable_tree_beside_the_csv_is_left_out_with_a_warning(tmp_path, capsys):
    train_csv = write_csv(tmp_path / "train.csv", make_corpus(5, seed=13))
    (tmp_path / "taxonomy.csv").write_text("只有表头\n", encoding="utf-8")
    call_command("routing", "train", "--csv", str(train_csv), "--out", str(tmp_path / "m.joblib"),
                 "--cv", "0", "--quiet")
    captured = capsys.readouterr()
    assert "taxonomy left out" in captured.err and "no rows" in captured.err
    assert "20 rows, 4 categories" in captured.out and "hints" not in captured.out
    # Named on the command line, the same file is an error.
    with pytest.raises(CommandError, match="no rows"):
        call_command("routing", "train", "--csv", str(train_csv), "--out", str(tmp_path / "n.joblib"),
                     "--cv", "0", "--quiet", "--taxonomy", str(tmp_path / "taxonomy.csv"))


def test_the_cli_counts_unlabelled_files_in_the_idf(tmp_path, capsys):
    train_csv = write_csv(tmp_path / "train.csv", make_corpus(5, seed=14))
    first = write_csv(tmp_path / "u1.csv", make_corpus(2, seed=15))
    second = write_csv(tmp_path / "u2.csv", make_corpus(3, seed=16))
    out = tmp_path / "m.joblib"
    call_command("routing", "train", "--csv", str(train_csv), "--out", str(out), "--cv", "0", "--quiet",
                 "--unlabelled", str(first), "--unlabelled", str(second))
    assert json.loads(out.with_suffix(".json").read_text())["unlabelled"] == 8 + 12
