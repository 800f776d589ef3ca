"""Intake throughput: POST /api/v1/cases against a bare Django insert view, same server, same run.

Starts its own gunicorn (sync workers, persistent database connections) on a free loopback port
with the bench settings, over a fresh SQLite file in a temporary folder or a PostgreSQL database it
creates and drops itself, builds the small test city, then sends the same realistic Chinese
submissions first to the intake API and then to /bench/bare/ (one INSERT, 201 JSON) and prints
requests/s, p50 and p99 for both. Everything stays on 127.0.0.1 and stops by itself.

    python bench/intake.py [--requests 3000] [--concurrency 16] [--workers 4]
                           [--database-url postgres://postgres@127.0.0.1:5432/shiyu_bench]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
INTAKE_PATH = "/api/v1/cases"
BARE_PATH = "/bench/bare/"
REQUEST_TIMEOUT = 30.0

# Leaf categories of the small test city, with what residents actually write about them.
TOPICS: dict[str, list[tuple[str, str]]] = {
    "C010101": [("小区门口占道经营", "每天傍晚有摊贩占用人行道摆摊，行人只能走机动车道，存在安全隐患。"),
                ("菜市场外流动摊贩堵路", "早上七点到九点流动摊贩把路口堵死，公交车都过不去。")],
    "C010102": [("楼顶违章搭建阳光房", "顶楼住户在公共屋面搭建阳光房，已经造成楼下渗水，多次协商无果。"),
                ("一楼住户私自扩建院墙", "一楼住户把公共绿地圈进自家院子，还砌了围墙。")],
    "C010201": [("物业长期不清运垃圾", "小区垃圾桶满了好几天没人清运，天热气味很大，物业电话一直没人接。"),
                ("物业费上涨未公示", "物业公司通知下月起物业费上涨，没有召开业主大会也没有公示依据。")],
    "C010202": [("电梯频繁故障困人", "3号楼电梯这个月已经坏了四次，上周还有老人被困二十分钟。"),
                ("电梯年检过期仍在使用", "单元电梯里的检验合格证已经过期半年，担心安全问题。")],
    "C010301": [("道路坑洼积水", "人民路与建设路交叉口路面塌陷出一个大坑，下雨后积水很深，电动车容易摔倒。"),
                ("人行道地砖松动", "学校门口人行道地砖松动翘起，孩子上学经常绊倒。")],
    "C010302": [("路灯不亮", "滨江路一段十几盏路灯已经一个多月不亮了，晚上出行很不安全。"),
                ("小区外道路照明不足", "小区北门外的路灯坏了，晚上下班回家一片漆黑。")],
    "C020101": [("工地夜间施工噪音扰民", "旁边工地每天晚上十一点以后还在施工，噪音很大，严重影响休息。"),
                ("凌晨渣土车作业噪音", "凌晨两三点渣土车进出工地，鸣笛和装卸声音吵得睡不着。")],
    "C020102": [("广场舞音响太吵", "小区广场每天晚上音响开得很大，一直到十点多，家里老人孩子无法休息。"),
                ("酒吧深夜噪音", "沿街酒吧每天营业到凌晨，音乐声很大，居民投诉多次没有改善。")],
    "C020201": [("餐馆油烟扰民", "楼下新开的餐馆没有安装油烟净化设备，油烟直接排到居民窗户上。"),
                ("烧烤店油烟直排", "夜市烧烤店油烟直排，整栋楼都是烟味，窗户都不敢开。")],
    "C020202": [("有人焚烧垃圾", "村口空地经常有人焚烧垃圾和塑料，黑烟刺鼻。"),
                ("工地焚烧建筑垃圾", "工地工人在围挡内焚烧废料，烟雾飘进附近小区。")],
    "C030101": [("公交线路调整不合理", "12路公交改线后小区附近没有站点了，老年人出行很不方便，希望恢复原线路。"),
                ("公交车班次太少", "早高峰公交车二十多分钟才来一班，车上非常拥挤。")],
    "C030102": [("出租车拒载", "在火车站打车，司机嫌路程近拒载，还态度恶劣。"),
                ("出租车绕路多收费", "乘坐出租车从机场到市区，司机故意绕路，多收了四十元。")],
    "C030201": [("车辆长期占用消防通道", "小区消防通道长期停放私家车，万一发生火灾消防车进不来。"),
                ("人行道违章停车", "商场门口人行道停满了车，行人只能走到马路上。")],
    "C030202": [("信号灯故障", "解放路口的红绿灯从昨天开始一直黄灯闪烁，路口交通很乱。"),
                ("信号灯时间太短", "学校门口行人绿灯只有十五秒，老人和孩子过不完马路。")],
    "C040101": [("公司拖欠工资", "所在公司已经三个月没有发工资，老板一直推脱，二十多名员工的工资没有着落。"),
                ("工地拖欠农民工工资", "在建设项目做了半年，包工头拖欠工资至今未付。")],
    "C040102": [("公司不签劳动合同", "入职半年公司一直不签劳动合同，也不缴纳社保。"),
                ("被违法解除劳动合同", "怀孕后公司以业绩为由解除劳动合同，没有任何补偿。")],
    "C040201": [("医保报销进度慢", "住院费用提交医保报销材料两个月了还没有结果，电话咨询也说不清楚。"),
                ("异地就医备案咨询", "父母长期在外地居住，想咨询异地就医备案怎么办理。")],
    "C040202": [("养老金领取咨询", "今年到了退休年龄，想了解养老金领取需要准备哪些材料。"),
                ("养老保险转移接续", "从外省调回本市工作，养老保险关系转移一直办不下来。")],
    "C050101": [("入学划片不合理", "小区划片到很远的学校，孩子上学要走四十分钟，希望重新考虑划片范围。"),
                ("随迁子女入学咨询", "外地户籍孩子今年上小学，需要哪些材料，在哪里报名？")],
    "C050102": [("校外培训机构退费难", "培训机构突然停课，预交的一万多元课时费一直不给退。"),
                ("无证培训机构招生", "小区里有人开办无证培训班，消防条件也不达标。")],
    "C060101": [("医院挂号难", "市第一医院专家号很难挂，网上一放号就没有了，希望增加号源。"),
                ("医院服务态度差", "在医院急诊等候三个小时无人理会，护士态度冷淡。")],
    "C060102": [("药店药品价格过高", "同一种药在这家药店比医院贵了一倍，希望查一查。"),
                ("药品价格标示不清", "药店很多药品没有明码标价，结账时价格和说的不一样。")],
    "C070101": [("外卖店卫生问题", "点的外卖里吃出了异物，查看发现这家店没有实体门店，怀疑是黑作坊。"),
                ("超市销售过期食品", "在超市买的牛奶已经过期三天，货架上还有很多同批次产品。")],
    "C070102": [("网购商品质量问题", "在本地商家购买的家电用了一周就坏了，商家拒绝退换。"),
                ("健身房跑路", "办了年卡的健身房突然关门，老板联系不上，很多会员受损。")],
}
GRIDS = ["D01S1C1G1", "D02S1C1G1"]  # the small city's grids, by code
PLACES = ["和平街道东苑社区", "滨江街道东苑社区", "人民路88号", "建设路与解放路交叉口", "望江花园3栋",
          "钢城小区12号楼", "高新大道199号", "南湖新村东门"]
NAMES = ["陈先生", "李女士", "王先生", "张女士", "刘先生", "赵女士", "周先生", "吴女士", ""]
KINDS = ["complaint"] * 6 + ["help", "help", "inquiry", "suggestion", "report"]


def payloads(count: int, seed: int = 2018) -> list[dict]:
    rng = random.Random(seed)
    codes = sorted(TOPICS)
    out = []
    for i in range(count):
        code = codes[i % len(codes)]
        title, body = rng.choice(TOPICS[code])
        place = rng.choice(PLACES)
        item: dict = {
            "title": title,
            "body": f"{place}：{body}希望有关部门尽快处理。（第{i + 1}次反映）",
            "kind": rng.choice(KINDS),
            "category": code,
            "area": rng.choice(GRIDS),
            "address": place,
            "urgency": "urgent" if rng.random() < 0.05 else "normal",
            "contact": {"name": rng.choice(NAMES), "phone": f"13{rng.randint(100000000, 999999999)}"},
        }
        if rng.random() < 0.6:
            item["location"] = {"lat": round(34.26 + rng.uniform(-0.05, 0.05), 6),
                                "lon": round(108.94 + rng.uniform(-0.05, 0.05), 6)}
        out.append(item)
    return out


def raw_request(path: str, port: int, payload: dict, idempotency_key: str) -> bytes:
    body = json.dumps(payload, ensure_ascii=False).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
            f"Accept: application/json\r\nContent-Length: {len(body)}\r\n")
    if idempotency_key:
        head += f"Idempotency-Key: {idempotency_key}\r\n"
    return (head + "Connection: close\r\n\r\n").encode() + body


@dataclass
class Result:
    target: str
    sent: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    first_error: str = ""

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    @property
    def rate(self) -> float:
        ok = self.sent - self.errors
        return ok / self.seconds if self.seconds else 0.0


async def one(port: int, data: bytes) -> tuple[int, bytes]:
    """One request on its own connection (gunicorn's sync workers close after each response)."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(data)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = await reader.readexactly(length) if length else b""
        return status, body
    finally:
        writer.close()


async def run_target(name: str, port: int, requests: list[bytes], concurrency: int,
                     max_seconds: float) -> Result:
    result = Result(name)
    queue = iter(requests)
    deadline = time.monotonic() + max_seconds

    async def client() -> None:
        for data in queue:
            if time.monotonic() > deadline:
                return
            result.sent += 1
            started = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(one(port, data), REQUEST_TIMEOUT)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
                result.errors += 1
                result.first_error = result.first_error or f"{type(exc).__name__}: {exc}"
                continue
            if status not in (200, 201):
                result.errors += 1
                result.first_error = result.first_error or f"HTTP {status}: {body[:300].decode(errors='replace')}"
                continue
            result.latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


def pg_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"unexpected database name {name!r}")
    return name


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "shiyu.cli", *args], cwd=ROOT, env=env, check=True, timeout=600)


def wait_ready(proc: subprocess.Popen, port: int, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/api/v1/openapi.json", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {seconds:.0f}s:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000, help="requests per target (default 3000)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--database-url", default="",
                        help="postgres://…/NAME: created and dropped by this script (default: fresh SQLite)")
    parser.add_argument("--max-seconds", type=float, default=300,
                        help="stop sending to a target after this long (default 300)")
    parser.add_argument("--no-idempotency-key", action="store_true",
                        help="submit without an Idempotency-Key header")
    args = parser.parse_args()
    # Ctrl-C (even when started in the background, where SIGINT starts ignored) and SIGTERM
    # unwind through the `finally` below, which stops gunicorn and removes what this run made.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    tmp = Path(tempfile.mkdtemp(prefix="shiyu-bench-"))
    db_url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    is_pg = db_url.startswith(("postgres://", "postgresql://"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench", "DATABASE_URL": db_url,
           "SHIYU_VAR_DIR": str(tmp), "SHIYU_RATE_SUBMIT": "0", "SHIYU_RATE_TRACK": "0",
           "LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT), "SHIYU_DEMO": "0"}
    proc = None
    log = tmp / "gunicorn.log"
    try:
        if is_pg:
            name = pg_name(db_url)
            pg_admin(db_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            pg_admin(db_url, f'CREATE DATABASE "{name}"')
        t0 = time.perf_counter()
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "bench_setup")
        print(f"database: {'PostgreSQL' if is_pg else 'SQLite (WAL)'}, migrated and set up in "
              f"{time.perf_counter() - t0:.1f}s")

        port = free_port()
        with log.open("wb") as log_file:
            proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"{HOST}:{port}",
                 "--worker-class", "sync", "--workers", str(args.workers), "--backlog", "2048",
                 "--timeout", "60", "--log-level", "warning", "--no-control-socket"],
                cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
        wait_ready(proc, port, log)
        print(f"gunicorn: {args.workers} sync workers on {HOST}:{port}; {args.requests} requests per target, "
              f"{args.concurrency} concurrent clients; {os.cpu_count()} cores, load average "
              f"{os.getloadavg()[0]:.1f} before the run")

        items = payloads(args.requests + 4 * args.workers)
        warm, items = items[:4 * args.workers], items[4 * args.workers:]
        run_id = f"{os.getpid()}-{int(time.time())}"

        def build(path: str, batch: list[dict], tag: str) -> list[bytes]:
            use_key = path == INTAKE_PATH and not args.no_idempotency_key
            return [raw_request(path, port, p, f"bench-{run_id}-{tag}-{i}" if use_key else "")
                    for i, p in enumerate(batch)]

        results = []
        for name, path in (("intake  POST /api/v1/cases", INTAKE_PATH), ("bare    POST /bench/bare/", BARE_PATH)):
            # Warm every worker (imports, URL resolver, jieba's dictionary) before timing.
            warm_result = asyncio.run(run_target(name, port, build(path, warm, "warm"), args.workers, 120))
            if warm_result.errors:
                raise SystemExit(f"{name}: warm-up failed: {warm_result.first_error}")
            results.append(asyncio.run(run_target(name, port, build(path, items, "run"), args.concurrency,
                                                  args.max_seconds)))
    finally:
        stop(proc)
        if is_pg:
            try:
                pg_admin(db_url, f'DROP DATABASE IF EXISTS "{pg_name(db_url)}" WITH (FORCE)')
            except Exception as exc:  # noqa: BLE001 - cleanup must not hide the real error
                print(f"could not drop the bench database: {exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(f"{'target':<28} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}")
    for r in results:
        print(f"{r.target:<28} {r.sent:>8} {r.errors:>6} {r.rate:>8.0f} {r.pct(50):>7.1f} {r.pct(99):>7.1f}")
        if r.first_error:
            print(f"  first error: {r.first_error}")
    intake, bare = results
    ratio = intake.rate / bare.rate if bare.rate else 0.0
    print(f"\nintake/bare throughput ratio: {ratio:.2f}")
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: gunicorn stopped, temporary files removed", file=sys.stderr)
        sys.exit(130)
