"""The staff and public pages of goals render, act through the services and show no personal data."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shiyu.goals import services
from shiyu.goals.models import Appeal, Project, ScoreItem
from shiyu.goals.services.files import Upload

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def world(city, submit_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    leader, hbj = city.users["leader"], city.departments["HBJ"]
    case = submit_case(
        title="工地夜间施工噪音", category="C020101", contact_name="陈小明", contact_phone="13812345678"
    )
    goal = services.goal_create(actor=leader, title="噪音投诉下降", year=2026, owner_department_id=hbj.pk)
    services.indicator_create(
        actor=leader,
        goal_id=goal.pk,
        name="噪音投诉量",
        source="computed",
        metric="intake",
        category_id=city.categories["C0201"].pk,
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        baseline=10,
        target=8,
        direction="decrease",
    )
    project = services.project_create(
        actor=leader, title="工地整治", owner_department_id=hbj.pk, goal_id=goal.pk
    )
    services.milestone_create(actor=leader, project_id=project.pk, title="排查", due=date(2026, 3, 1))
    services.project_link_case(actor=leader, project_id=project.pk, case_id=case.pk)
    update = services.project_update_post(
        actor=leader,
        project_id=project.pk,
        text="联系陈小明 13812345678 现场核实",
        uploads=[Upload(name="现场.png", content=PNG)],
    )
    services.problem_create(actor=leader, year=2026, title="夜间施工扰民", keywords="施工")
    scheme = services.scheme_create(
        actor=leader,
        name="一季度考核",
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        department_ids=[hbj.pk],
        items={"satisfaction_rate": 1, "project_progress": 1},
    )
    services.scheme_recompute(actor=leader, scheme_id=scheme.pk)
    return {"goal": goal, "project": project, "update": update, "scheme": scheme, "case": case}


def _client(city, role):
    client = Client()
    client.force_login(city.users[role])
    return client


def test_staff_pages_render(city, world):
    client = _client(city, "handler")  # any staff member reads
    for url in (
        reverse("goals:index"),
        reverse("goals:goal", kwargs={"goal_id": world["goal"].pk}),
        reverse("goals:project", kwargs={"project_id": world["project"].pk}),
        reverse("goals:scheme", kwargs={"scheme_id": world["scheme"].pk}),
        reverse("goals:project-import"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    goal_page = client.get(reverse("goals:goal", kwargs={"goal_id": world["goal"].pk})).content.decode()
    assert "cases-link" in goal_page and 'href="/staff/?queue=all' in goal_page
    attachment = world["update"].attachments.get()
    download = client.get(reverse("goals:attachment", kwargs={"attachment_id": attachment.pk}))
    assert download.status_code == 200 and download.content == PNG


def test_public_pages_show_no_personal_data(city, world):
    client = Client()
    pages = [
        client.get(reverse("goals-public:index")),
        client.get(reverse("goals-public:goal", kwargs={"goal_id": world["goal"].pk})),
        client.get(reverse("goals-public:project", kwargs={"project_id": world["project"].pk})),
    ]
    for response in pages:
        assert response.status_code == 200
        text = response.content.decode()
        assert "13812345678" not in text and "陈小明" not in text
        assert "/staff/" not in text.replace('href="/staff/', "")  # no staff case links
        assert world["case"].code not in text
    assert "工地整治" in pages[0].content.decode() and "夜间施工扰民" in pages[0].content.decode()
    hidden = services.goal_create(actor=city.users["leader"], title="内部目标", year=2026, is_public=False)
    assert client.get(reverse("goals-public:goal", kwargs={"goal_id": hidden.pk})).status_code == 404


def test_appeal_and_review_through_the_pages(city, world):
    score = ScoreItem.objects.get(scheme=world["scheme"], item__key="project_progress")
    url = reverse("goals:appeal-submit", kwargs={"scheme_id": world["scheme"].pk})
    empty = _client(city, "unithead").post(url, {"score": score.pk, "reason": "", "evidence": ""})
    assert empty.status_code == 422 and Appeal.objects.count() == 0
    assert "goals-error" in empty.content.decode()
    done = _client(city, "unithead").post(
        url, {"score": score.pk, "reason": "已完成排查", "evidence": "验收单", "proposed_value": "50"}
    )
    assert done.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.proposed_value == 0.5
    review = reverse("goals:appeal-review", kwargs={"appeal_id": appeal.pk})
    assert _client(city, "supervisor").post(review, {"accept": "1", "decision": "属实"}).status_code == 302
    score.refresh_from_db()
    assert score.corrected == 0.5


def test_an_appeal_carries_files_and_a_bad_file_refuses_it(city, world):
    score = ScoreItem.objects.get(scheme=world["scheme"], item__key="project_progress")
    url = reverse("goals:appeal-submit", kwargs={"scheme_id": world["scheme"].pk})
    unithead = _client(city, "unithead")
    fake = SimpleUploadedFile("验收单.pdf", b"not a pdf at all", content_type="application/pdf")
    refused = unithead.post(
        url, {"score": score.pk, "reason": "已完成", "evidence": "见附件", "files": [fake]})
    assert refused.status_code == 422 and Appeal.objects.count() == 0
    pdf = b"%PDF-1.4\n" + b"0" * 64
    done = unithead.post(url, {
        "score": score.pk, "reason": "已完成", "evidence": "见附件",
        "files": [SimpleUploadedFile("验收单.pdf", pdf), SimpleUploadedFile("现场.png", PNG)]})
    assert done.status_code == 302
    appeal = Appeal.objects.get()
    assert sorted(f.name for f in appeal.attachments.all()) == ["现场.png", "验收单.pdf"]
    page = _client(city, "supervisor").get(reverse("goals:scheme", kwargs={"scheme_id": world["scheme"].pk}))
    assert page.content.decode().count('class="appeal-file"') == 2
    stored = appeal.attachments.get(name="验收单.pdf")
    link = reverse("goals:appeal-attachment", kwargs={"attachment_id": stored.pk})
    download = _client(city, "supervisor").get(link)
    assert download.status_code == 200 and download.content == pdf
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"
    assert Client().get(link).status_code in (302, 403, 404)  # not for the public


def test_import_page_reports_the_bad_row_and_imports_nothing(city, world):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["ref", "parent", "type", "title", "unit"])
    book.active.append(["P1", "", "project", "好项目", "HBJ"])
    book.active.append(["P2", "", "project", "坏项目", "NOPE"])
    data = io.BytesIO()
    book.save(data)
    before = Project.objects.count()
    response = _client(city, "leader").post(
        reverse("goals:project-import"), {"file": SimpleUploadedFile("p.xlsx", data.getvalue())}
    )
    assert response.status_code == 422
    assert "NOPE" in response.content.decode() and Project.objects.count() == before


def test_unit_heads_see_their_unit_first(city, world):
    page = _client(city, "unithead").get(reverse("goals:index")).content.decode()
    assert "my-unit" in page and "工地整治" in page and "一季度考核" in page
    assert "my-unit" not in _client(city, "leader").get(reverse("goals:index")).content.decode()


def test_indicators_and_clusters_pick_category_and_area_by_name(city, world):
    client = _client(city, "leader")
    noise, street = city.categories["C0201"], city.streets[0]
    goal_url = reverse("goals:goal", kwargs={"goal_id": world["goal"].pk})
    page = client.get(goal_url).content.decode()
    assert f'<option value="{noise.pk}">' in page and noise.name in page
    assert f'<option value="{street.pk}">' in page and street.name in page
    response = client.post(
        reverse("goals:indicator-create", kwargs={"goal_id": world["goal"].pk}),
        {"name": "街道噪音投诉", "source": "computed", "metric": "intake", "category": str(noise.pk),
         "area": str(street.pk), "start": "2026-01-01", "end": "2026-12-31", "step": "month",
         "baseline": "10", "target": "5", "direction": "decrease"},
    )
    assert response.status_code == 302
    made = world["goal"].indicators.get(name="街道噪音投诉")
    assert (made.category_id, made.area_id) == (noise.pk, street.pk)
    project_page = client.get(reverse("goals:project", kwargs={"project_id": world["project"].pk}))
    assert f'<option value="{street.pk}">' in project_page.content.decode()
