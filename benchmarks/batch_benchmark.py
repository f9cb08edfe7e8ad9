"""Batch benchmark: the pipeline beside bare Tesseract and OCRmyPDF on the same pages and cores.

    .venv/bin/python benchmarks/batch_benchmark.py [--repeat 2] [--sizes 5,50,200] [--skip-ocrmypdf]

Everything runs one after the other in this one invocation, on the same pages and
cores (`--jobs`, default every core), so the ratios are measured side by side:

* ``tesseract``: ``tesseract PAGE.png OUT -l ind+eng`` on every page of scans/*.pdf
  pre-rendered to a 300 dpi grey PNG (rendering not counted: a head start), one
  process per page, ``--jobs`` at once, ``OMP_THREAD_LIMIT=1``; to find its best, one
  page at a time with Tesseract's own OpenMP threads; and one page at a time on one
  thread (the speed-up the machine allows); ``-l ind`` too (OCRmyPDF's language);
* ``ocrmypdf``: ``ocrmypdf --deskew --rotate-pages -l ind --jobs J IN.pdf OUT.pdf``
  file after file (``pip install ocrmypdf`` into the venv; skipped with a message
  when missing; not a dependency of the project);
* ``pipeline``: ``python -m ocr_pipeline run scans/*.pdf --out DIR --workers N`` as a
  user runs it (start-up, rendering, cleanup, OCR, correction, every output file),
  with 1 and with ``--jobs`` workers, into a fresh DIR; with ``--jobs`` workers and
  ``--lang ind`` too (against bare ``-l ind``, language for language); then once more, and the same
  command again at once (the rerun of a finished batch, which the resume ledger
  skips; flagged when the code changed in between, which makes it redo the batch);
* memory: the pipeline on files of 5, 50 and 200 pages (sample pages concatenated
  with pypdfium2): the peak resident memory (VmHWM) of the main process and of each
  worker process, read from /proc every 0.2 s.

Wall times are the best of `--repeat` rounds (default 2; OpenMP Tesseract and
OCRmyPDF run in the first only), the rounds interleaved so that the load of other
programs on the machine falls alike on the contenders; bare Tesseract on one core
shows the speed-up the machine allows at the time. CPU seconds (user + system,
Tesseract's processes included) are reported beside them: on a machine shared with
other work, wall time shows the load, CPU time the work done.

Last (unless ``--no-profile``), the batch runs once more in this process, task after
task (pages grouped into tasks as on ``--jobs`` workers), timed in CPU seconds by stage (ingest, cleanup, the Tesseract calls of the
page and of the agreement tasks, the work-image write, the main process) and by task;
from the task times a model plays the run's own queueing out on free cores: the
speed-up its schedule allows, whatever else the machine is doing.

Writes ``benchmarks/results/batch/<time>.md`` and ``.json`` (git-ignored) and prints
the markdown table; the numbers of record are in docs/batch.md.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "batch"
PY = sys.executable


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def render(files: list[Path], folder: Path, dpi: int = 300) -> list[Path]:
    """Every page as a grey PNG at `dpi`: the input of bare Tesseract."""
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for f in files:
        doc = pdfium.PdfDocument(str(f))
        for i in range(len(doc)):
            p = folder / f"{f.stem}-p{i + 1:03d}.png"
            if not p.exists():
                doc[i].render(scale=dpi / 72, grayscale=True).to_pil().save(p)
            out.append(p)
        doc.close()
    return out


def concatenate(files: list[Path], n: int, target: Path) -> Path:
    """A PDF of `n` pages: the pages of `files` over and over."""
    import pypdfium2 as pdfium

    if target.exists() and pdf_pages(target) == n:
        return target
    docs = [pdfium.PdfDocument(str(f)) for f in files]
    out = pdfium.PdfDocument.new()
    while len(out) < n:
        for d in docs:
            for i in range(len(d)):
                if len(out) < n:
                    out.import_pages(d, [i])
    target.parent.mkdir(parents=True, exist_ok=True)
    out.save(str(target))
    return target


# --------------------------------------------------------------------------- runners


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bare_tesseract(images: list[Path], jobs: int, lang: str, work: Path, one_thread: bool
                   ) -> tuple[float, float]:
    """Wall and CPU seconds of one `tesseract` process per page, `jobs` at once."""
    env = dict(os.environ)
    if one_thread:
        env["OMP_THREAD_LIMIT"] = "1"
    else:
        env.pop("OMP_THREAD_LIMIT", None)
    work.mkdir(parents=True, exist_ok=True)

    def one(img: Path) -> None:
        subprocess.run(["tesseract", str(img), str(work / img.stem), "-l", lang], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    c0, t0 = children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - t0, children_cpu() - c0


def ocrmypdf_exe() -> str | None:
    here = Path(PY).parent / "ocrmypdf"
    return str(here) if here.exists() else shutil.which("ocrmypdf")


def ocrmypdf_batch(files: list[Path], jobs: int, work: Path) -> tuple[float, float, list[str]]:
    exe = ocrmypdf_exe()
    assert exe
    work.mkdir(parents=True, exist_ok=True)
    cmd0 = [exe, "--deskew", "--rotate-pages", "-l", "ind", "--jobs", str(jobs), "-q"]
    c0, t0 = children_cpu(), time.perf_counter()
    for f in files:
        subprocess.run([*cmd0, str(f), str(work / f.name)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, children_cpu() - c0, cmd0


class MemoryWatch:
    """Peak resident memory (VmHWM, kB) of a process and its descendants, by role, polled from /proc;
    and their CPU time.

    The pool's workers are children of a fork server, which the main process does not
    wait for: their CPU time never reaches `getrusage(RUSAGE_CHILDREN)`. It is read from
    /proc instead: each process's own time, as last seen (at most `every` seconds before
    it ended). Own time only: a process that reaps a Tesseract server at its exit (a
    `Popen` polled as it is collected) would count the server's time a second time
    (the run with one worker read 67.7 CPU s where the profile says 38.4). Tesseract
    runs in the long-lived servers, which the polling sees; what it misses are the
    program's short version and language checks of the main process.
    """

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, root: int, every: float = 0.2) -> None:
        self.root, self.every = root, every
        self.peaks: dict[int, tuple[str, int]] = {}
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    @staticmethod
    def _tree() -> dict[int, int]:
        parents = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    stat = Path(f"/proc/{d}/stat").read_text()
                    parents[int(d)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    pass
        return parents

    def _role(self, pid: int, parents: dict[int, int]) -> str:
        if pid == self.root:
            return "main"
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return "gone"
        if comm == "tesseract":
            return "tesseract"
        if "tesseract_server" in cmd:  # a worker's Tesseract, kept loaded: never waited for
            return "tesseract server"
        if "resource_tracker" in cmd:
            return "tracker"
        if parents.get(pid) == self.root and "forkserver" in cmd:
            return "forkserver"
        return "worker"

    def _poll(self) -> None:
        parents = self._tree()
        children = collections.defaultdict(list)
        for pid, ppid in parents.items():
            children[ppid].append(pid)
        todo, seen = [self.root], []
        while todo:
            pid = todo.pop()
            seen.append(pid)
            todo.extend(children.get(pid, ()))
        for pid in seen:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            hwm = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
            role = self.peaks.get(pid, (None, 0))[0] or self._role(pid, parents)
            self.peaks[pid] = (role, max(hwm, self.peaks.get(pid, ("", 0))[1]))
            try:
                f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            self.cpu[pid] = (int(f[11]) + int(f[12])) / self.TICK  # utime + stime

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._poll()
            self._stop.wait(self.every)

    def stop(self) -> dict[str, int]:
        """Peak MB by role: main, worker (the largest worker), tesseract server (the largest)."""
        self._stop.set()
        self._thread.join()
        self.cpu_seconds = sum(self.cpu.values())
        out: dict[str, int] = {}
        for role, kb in self.peaks.values():
            out[role] = max(out.get(role, 0), round(kb / 1024))
        return out


def code_version() -> str:
    """The pipeline version the resume ledger keys on (it changes when the code does)."""
    return subprocess.run([PY, "-c", "from ocr_pipeline import pipeline; print(pipeline.pipeline_version())"],
                          cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def pipeline_batch(files: list[Path], workers: int, out: Path, *, fresh: bool = True, lang: str | None = None
                   ) -> tuple[float, float, dict[str, int], list[str]]:
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    cmd = [PY, "-m", "ocr_pipeline", "run", *map(str, files), "--out", str(out), "--workers", str(workers),
           "--corrections", str(ROOT / "corrections"), "-q"] + (["--lang", lang] if lang else [])
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watch = MemoryWatch(proc.pid)
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    mem = watch.stop()
    if proc.returncode != 0:
        raise SystemExit(f"pipeline failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    cpu = watch.cpu_seconds  # (getrusage would miss the workers, and count a reaped server twice)
    return wall, cpu, mem, cmd


# --------------------------------------------------------------------------- profile


def cpu_now() -> float:
    """CPU seconds of this process, of the children it waited for, and of its Tesseract
    servers' reading (they run as long as the process: never waited for)."""
    tesseract = sys.modules.get("ocr_pipeline._exec.tesseract")
    return time.process_time() + children_cpu() + (tesseract.server_cpu() if tesseract else 0.0)


def profile_run(files: list[Path], jobs: int) -> dict[str, Any]:
    """One run of the batch in this process, task after task (pages grouped into tasks
    as on `jobs` workers), timed in CPU seconds.

    Gives the CPU time of each stage (where the time goes) and of each task, and from the
    tasks a model of the run on `jobs` free cores: the run's own queueing (page tasks in input
    order, two per worker in flight; a file's agreement tasks once its pages are read)
    played out on `jobs` workers. CPU time does not depend on the machine's other load,
    so the model shows the speed-up the schedule allows where wall times cannot.
    """
    sys.path.insert(0, str(ROOT))
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from concurrent.futures import Future

    from ocr_pipeline import pipeline
    from ocr_pipeline._exec import tesseract
    from ocr_pipeline.config import RunConfig
    from ocr_pipeline.stages import cleanup, ingest

    spent: collections.Counter[str] = collections.Counter()
    calls: collections.Counter[str] = collections.Counter()
    where = ["main"]

    def timed(name: str, fn):
        def wrapper(*a, **k):
            c = cpu_now()
            try:
                return fn(*a, **k)
            finally:
                label = f"{name} ({where[0]})" if name.startswith("tesseract") else name
                spent[label] += cpu_now() - c
                calls[label] += 1
        return wrapper

    def timed_iter(name: str, fn):
        def wrapper(*a, **k):
            it = fn(*a, **k)
            while True:
                c = cpu_now()
                try:
                    item = next(it)
                except StopIteration:
                    return
                finally:
                    spent[name] += cpu_now() - c
                calls[name] += 1
                yield item
        return wrapper

    tasks: list[tuple[str, str, float]] = []  # kind, input's sha256, CPU seconds, in submission order
    pages = 0

    class Inline:
        slots = jobs  # pages grouped into tasks as on `jobs` workers (`pipeline.pages_per_task`)

        def submit(self, fn, *args):
            nonlocal pages
            kind = "page" if fn.__name__ == "pages_task" else "agreement"
            pages += len(args[1]) if kind == "page" else 0
            f: Future = Future()
            where[0] = f"{kind} tasks"
            c = cpu_now()
            try:
                f.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - as the pool does
                f.set_exception(exc)
            tasks.append((kind, args[0].sha256 if kind == "page" else args[1], cpu_now() - c))  # the input
            where[0] = "main"
            return f

        def shutdown(self, *a, **k):
            pass

    saved = (tesseract._run, cleanup.clean_page, ingest.iter_pages, pipeline._write_work_image)
    tesseract._run = timed("tesseract calls", tesseract._run)
    cleanup.clean_page = timed("cleanup", cleanup.clean_page)
    ingest.iter_pages = timed_iter("ingest: open, render", ingest.iter_pages)
    pipeline._write_work_image = timed("work image write", pipeline._write_work_image)
    out = RESULTS / "profile"
    shutil.rmtree(out, ignore_errors=True)
    config = RunConfig(out_dir=out, workers=1, corrections=ROOT / "corrections")
    c0 = cpu_now()
    try:
        pipeline.run(files, config, executor=Inline())
    finally:
        tesseract._run, cleanup.clean_page, ingest.iter_pages, pipeline._write_work_image = saved
        shutil.rmtree(out, ignore_errors=True)
    total = cpu_now() - c0
    in_tasks = sum(t[2] for t in tasks)
    page_tasks = sum(1 for t in tasks if t[0] == "page")
    spent["page tasks, in all"] = sum(t[2] for t in tasks if t[0] == "page")
    spent["agreement tasks, in all"] = sum(t[2] for t in tasks if t[0] == "agreement")
    calls["page tasks, in all"], calls["agreement tasks, in all"] = page_tasks, len(tasks) - page_tasks
    start = subprocess.run([PY, "-c", "import resource, ocr_pipeline.cli, ocr_pipeline.pipeline; "
                            "r = resource.getrusage(resource.RUSAGE_SELF); print(r.ru_utime + r.ru_stime)"],
                           capture_output=True, text=True, check=True)
    serial = total - in_tasks + float(start.stdout)  # start-up, inspecting, splitting, views
    spent["main process (start-up, inspect, split, views)"] = serial
    calls["main process (start-up, inspect, split, views)"] = 1
    model = {n: round((serial + in_tasks) / (serial + schedule(tasks, n)), 2) for n in sorted({1, 2, jobs})}
    return {"pages": pages, "cpu_seconds": round(serial + in_tasks, 1), "speed_up_model": model,
            "stages": {k: {"cpu_seconds": round(v, 2), "calls": calls[k], "per_page": round(v / pages, 3)}
                       for k, v in spent.items()}}


def schedule(tasks: list[tuple[str, str, float]], workers: int) -> float:
    """Makespan of `tasks` on `workers` as `pipeline.run` queues them (see `profile_run`)."""
    import heapq

    pages = [t for t in tasks if t[0] == "page"]
    left = collections.Counter(t[1] for t in pages)
    agreements = collections.defaultdict(list)
    for kind, file, cpu in tasks:
        if kind == "agreement":
            agreements[file].append(cpu)
    queue: collections.deque[tuple[str, str, float]] = collections.deque()
    running: list[tuple[float, int, tuple[str, str, float]]] = []
    now, pi, in_flight, seq = 0.0, 0, 0, 0
    while True:
        while pi < len(pages) and in_flight < 2 * workers:
            queue.append(pages[pi])
            pi += 1
            in_flight += 1
        while queue and len(running) < workers:
            task = queue.popleft()
            seq += 1
            heapq.heappush(running, (now + task[2], seq, task))
        if not running:
            return now
        now, _, (kind, file, _) = heapq.heappop(running)
        if kind == "page":
            in_flight -= 1
            left[file] -= 1
            if left[file] == 0:
                queue.extend(("agreement", file, cpu) for cpu in agreements[file])


# --------------------------------------------------------------------------- main


def ppm(pages: int, seconds: float) -> float:
    return 60.0 * pages / seconds if seconds > 0 else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scans", type=Path, default=ROOT / "scans", help="folder of the pages (default scans/)")
    ap.add_argument("--jobs", type=int, default=cores(), help="cores to use (default: every core)")
    ap.add_argument("--repeat", type=int, default=2, help="rounds of the timed runs; the best counts")
    ap.add_argument("--sizes", default="5,50,200", help="pages per file for the memory runs ('' for none)")
    ap.add_argument("--skip-ocrmypdf", action="store_true")
    ap.add_argument("--skip-openmp", action="store_true", help="skip bare Tesseract with its own threads")
    ap.add_argument("--no-profile", action="store_true",
                    help="skip the in-process run timed by stage and task (CPU time, speed-up model)")
    args = ap.parse_args(argv)

    files = sorted(args.scans.glob("*.pdf"))
    pages = sum(pdf_pages(f) for f in files)
    jobs = args.jobs
    work = RESULTS / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    tver = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    info: dict[str, Any] = {
        "when": datetime.datetime.now().isoformat(timespec="seconds"), "command": " ".join([PY, *sys.argv]),
        "machine": f"{platform.machine()}, {cores()} cores usable, load average at start "
                   f"{os.getloadavg()[0]:.1f}", "tesseract": tver, "pages": pages, "files": len(files),
        "jobs": jobs, "repeat": args.repeat,
    }
    print(f"{pages} pages in {len(files)} files, {jobs} cores", file=sys.stderr)
    images = render(files, work / "png")

    # the contenders: name -> (run() -> (wall, cpu, memory or None), note, every round or once)
    contenders: dict[str, tuple[Any, str, bool]] = {
        f"tesseract ind+eng, {jobs} processes x 1 thread": (
            lambda: (*bare_tesseract(images, jobs, "ind+eng", work / "tess", one_thread=True), None),
            "pre-rendered PNG, one process per page", True),
        "tesseract ind+eng, 1 process x 1 thread": (
            lambda: (*bare_tesseract(images, 1, "ind+eng", work / "tess1", one_thread=True), None),
            "what one core does: the speed-up the machine allows", True),
    }
    if not args.skip_openmp:
        contenders["tesseract ind+eng, 1 process x OpenMP threads"] = (
            lambda: (*bare_tesseract(images, 1, "ind+eng", work / "tess-omp", one_thread=False), None),
            "pre-rendered PNG, pages one after the other", False)
    contenders[f"tesseract ind, {jobs} processes x 1 thread"] = (
        lambda: (*bare_tesseract(images, jobs, "ind", work / "tess-ind", one_thread=True), None),
        "OCRmyPDF's language", True)
    om_cmd: list[str] = []
    if args.skip_ocrmypdf or not ocrmypdf_exe():
        print("  ocrmypdf: skipped (install it into the venv: .venv/bin/pip install ocrmypdf)",
              file=sys.stderr)
    else:
        def om() -> tuple[float, float, None]:
            wall, cpu, cmd = ocrmypdf_batch(files, jobs, work / "ocrmypdf")
            om_cmd[:] = cmd
            return wall, cpu, None
        contenders[f"ocrmypdf --jobs {jobs}"] = (om, "file after file, " + " ".join(
            ["--deskew", "--rotate-pages", "-l", "ind", "--jobs", str(jobs)]), False)
    contenders["pipeline, 1 worker"] = (lambda: pipeline_batch(files, 1, work / "out1")[:3], "", True)
    contenders[f"pipeline, {jobs} workers"] = (
        lambda: pipeline_batch(files, jobs, work / "outN")[:3], "", True)
    contenders[f"pipeline --lang ind, {jobs} workers"] = (
        lambda: pipeline_batch(files, jobs, work / "outN-ind", lang="ind")[:3],
        "the language of bare tesseract ind", True)

    best: dict[str, dict[str, Any]] = {}
    rounds: list[dict[str, float]] = []
    for rnd in range(max(1, args.repeat)):
        rounds.append({})
        for name, (fn, note, every_round) in contenders.items():
            if rnd and not every_round:
                continue
            wall, cpu, mem = fn()
            print(f"  round {rnd + 1}, {name}: {wall:.1f} s wall, {cpu:.1f} s CPU", file=sys.stderr)
            rounds[-1][name] = round(wall, 1)
            if name not in best or wall < best[name]["seconds"]:
                best[name] = {"name": name, "seconds": round(wall, 1),
                              "pages_per_min": round(ppm(pages, wall), 1),
                              "cpu_per_page": round(cpu / pages, 2), "note": note, "memory_mb": mem}
    # the rerun of the batch just done; it is redone instead if the code changed meanwhile
    before = code_version()
    first_s, _, _, _ = pipeline_batch(files, jobs, work / "outN")
    again_s, again_cpu, _, cmd = pipeline_batch(files, jobs, work / "outN", fresh=False)
    note = "the resume ledger: nothing to do" if code_version() == before else (
        "NOT a rerun: the pipeline's code changed during the runs, so it was done again")
    best["rerun"] = {"name": "pipeline, rerun of the finished batch", "seconds": round(again_s, 1),
                     "pages_per_min": round(ppm(pages, again_s), 1),
                     "cpu_per_page": round(again_cpu / pages, 2), "note": note, "memory_mb": None,
                     "first_run_seconds": round(first_s, 1)}
    info["pipeline_command"] = " ".join(cmd).replace(str(ROOT) + "/", "").replace(PY, "python")
    rows = list(best.values())

    memory = []
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        f = concatenate(files, n, work / "sizes" / f"pages-{n}.pdf")
        s, cpu, mem, _ = pipeline_batch([f], jobs, work / f"mem{n}")
        memory.append({"pages": n, "seconds": round(s, 1), "pages_per_min": round(ppm(n, s), 1),
                       "cpu_per_page": round(cpu / n, 2), **mem})
        print(f"  memory, {n} pages: {mem} MB, {s:.0f} s", file=sys.stderr)

    tess = best[f"tesseract ind+eng, {jobs} processes x 1 thread"]
    tess_best = min((r for n, r in best.items() if n.startswith("tesseract ind+eng")),
                    key=lambda r: r["seconds"])
    p1, pn = best["pipeline, 1 worker"], best[f"pipeline, {jobs} workers"]
    def ratio(a: float, b: float, digits: int = 2) -> float:
        return round(a / b, digits) if b else float("nan")

    ratios = {
        "pipeline / tesseract ind+eng at its best, wall time": ratio(pn["seconds"], tess_best["seconds"]),
        "pipeline / tesseract ind+eng, CPU time per page": ratio(pn["cpu_per_page"], tess["cpu_per_page"]),
        "pipeline --lang ind / tesseract ind at its best, wall time": ratio(
            best[f"pipeline --lang ind, {jobs} workers"]["seconds"],
            best[f"tesseract ind, {jobs} processes x 1 thread"]["seconds"]),
        f"speed-up of {jobs} workers over 1, wall time": ratio(p1["seconds"], pn["seconds"]),
        f"the same for bare tesseract ({jobs} processes over 1)": ratio(
            best["tesseract ind+eng, 1 process x 1 thread"]["seconds"], tess["seconds"]),
        "rerun of the finished batch / that first run, wall time": ratio(
            best["rerun"]["seconds"], best["rerun"]["first_run_seconds"], 3),
    }
    om_row = best.get(f"ocrmypdf --jobs {jobs}")
    if om_row:
        ratios["pipeline / ocrmypdf, wall time"] = ratio(pn["seconds"], om_row["seconds"])
        ratios["pipeline / ocrmypdf, CPU time per page"] = ratio(pn["cpu_per_page"], om_row["cpu_per_page"])
    info["load_average_at_end"] = round(os.getloadavg()[0], 1)
    result: dict[str, Any] = {"info": info, "rows": rows, "ratios": ratios, "memory": memory,
                              "rounds": rounds}
    if not args.no_profile:
        result["profile"] = profile_run(files, jobs)

    md = markdown(result)
    print(md)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}.md").write_text(md, "utf-8")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def markdown(r: dict[str, Any]) -> str:
    i = r["info"]
    out = [f"Batch benchmark, {i['when']}: {i['pages']} pages in {i['files']} files, {i['jobs']} cores, "
           f"best of {i['repeat']} rounds; {i['tesseract']}; {i['machine']}, at end "
           f"{i['load_average_at_end']}.",
           "",
           f"Command: `{i['command']}`", "", f"Pipeline: `{i['pipeline_command']}`", "",
           "| run | wall s | pages/min | CPU s/page | peak MB main / per worker | note |",
           "| --- | ---: | ---: | ---: | --- | --- |"]
    for row in r["rows"]:
        mem = row.get("memory_mb")
        mems = f"{mem.get('main', 0)} / {mem.get('worker', mem.get('main', 0))}" if mem else ""
        out.append(f"| {row['name']} | {row['seconds']} | {row['pages_per_min']} | {row['cpu_per_page']} | "
                   f"{mems} | {row['note']} |")
    out += ["", "| ratio | value |", "| --- | ---: |"]
    out += [f"| {k} | {v} |" for k, v in r["ratios"].items()]
    if len(r.get("rounds", ())) > 1:
        names = list(r["rounds"][0])
        out += ["", "Wall seconds round by round (the machine's other load changes between rounds):", "",
                "| round | " + " | ".join(names) + " |", "| ---: |" + " ---: |" * len(names)]
        out += [f"| {i} | " + " | ".join(str(rd.get(n, "")) for n in names) + " |"
                for i, rd in enumerate(r["rounds"], 1)]
    if r["memory"]:
        out += ["", "| pages in the file | wall s | pages/min | CPU s/page | peak MB main | "
                "peak MB per worker | peak MB of its Tesseract server |",
                "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for m in r["memory"]:
            out.append(f"| {m['pages']} | {m['seconds']} | {m['pages_per_min']} | {m['cpu_per_page']} | "
                       f"{m.get('main', '')} | {m.get('worker', '')} | {m.get('tesseract server', '')} |")
    if "profile" in r:
        p = r["profile"]
        out += ["", f"Where the time goes: the batch in one process, {p['pages']} pages, "
                f"{p['cpu_seconds']} CPU s ({p['cpu_seconds'] / max(1, p['pages']):.2f} a page), "
                "Tesseract's processes included", "",
                "| stage | CPU s | calls | CPU s per page |", "| --- | ---: | ---: | ---: |"]
        out += [f"| {k} | {v['cpu_seconds']} | {v['calls']} | {v['per_page']} |"
                for k, v in p["stages"].items()]
        out += ["", "Speed-up the run's schedule allows on free cores (a model from the task CPU times): "
                + ", ".join(f"{n} workers {x}x" for n, x in p["speed_up_model"].items())]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
