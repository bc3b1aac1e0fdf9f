#!/usr/bin/python3
"""Checks the Dockerfile against the code, since no Docker engine runs in CI.

- Both stages are debian:bookworm; the build stage runs scripts/install-deps.sh build and
  scripts/build.sh -DASSIGND_BUILD_TESTS=OFF (the scripts CI uses), the runtime stage
  scripts/install-deps.sh runtime.
- The runtime stage runs as a non-root user, ships the sample config at the path ENTRYPOINT's
  --config names, EXPOSEs the ports of assignd's default --grpc_address/--metrics_address, and
  its HEALTHCHECK is `assignctl ... health`.
- Every runtime package name exists (apt-cache show), and every shared library that ldd resolves
  for assignd and assignctl is owned (dpkg -S) by a runtime package, one of their dependencies,
  or a package debian:bookworm already has. Libraries the binaries link directly must come from
  a package named in the runtime list itself, so the list says what the image needs.

Usage: check_dockerfile.py SOURCE_DIR BIN_DIR
"""
import glob
import os
import re
import shlex
import subprocess
import sys

# Packages the debian:bookworm image has before any apt-get (priority required, pulled by apt).
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}

failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message)


def run(args):
    return subprocess.run(args, capture_output=True, text=True, check=False)


def instructions(dockerfile_text):
    """(KEYWORD, argument text) per instruction, continuation lines joined, comments dropped."""
    out, pending = [], ""
    for line in dockerfile_text.splitlines():
        if line.strip().startswith("#") and not pending:
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        if full:
            keyword, _, rest = full.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def stages(instrs):
    result = []
    for keyword, arg in instrs:
        if keyword == "FROM":
            result.append({"from": arg, "items": []})
        elif result:
            result[-1]["items"].append((keyword, arg))
    return result


def exec_form(arg):
    """The words of an exec-form (JSON array) or shell-form argument."""
    arg = arg.strip()
    if arg.startswith("["):
        return re.findall(r'"((?:[^"\\]|\\.)*)"', arg)
    return shlex.split(arg)


def flag_default(helpfull, flag):
    match = re.search(r"-%s \(.*?\);\s*default: \"?([^\";]*)\"?;" % re.escape(flag), helpfull, re.S)
    return match.group(1) if match else None


_owners = None


def package_of(path):
    """The Debian package owning `path` (tries the usrmerge aliases dpkg may have recorded).

    Reads dpkg's file lists once (what `dpkg -S` reads) instead of running dpkg -S per library.
    """
    global _owners
    if _owners is None:
        _owners = {}
        for lst in glob.glob("/var/lib/dpkg/info/*.list"):
            package = os.path.basename(lst)[:-len(".list")].split(":")[0]
            with open(lst, errors="replace") as f:
                for line in f:
                    _owners.setdefault(line.rstrip("\n"), package)
    candidates = [path, os.path.realpath(path)]
    for p in list(candidates):
        if p.startswith("/usr/lib/"):
            candidates.append(p[len("/usr"):])
        elif p.startswith("/lib/"):
            candidates.append("/usr" + p)
    for p in candidates:
        if p in _owners:
            return _owners[p]
    return None


def installed_dependency_closure(roots):
    """Packages reachable from `roots` through Depends/Pre-Depends among installed packages."""
    r = run(["dpkg-query", "-W", "-f=${Package}\t${Provides}\t${Depends}, ${Pre-Depends}\n"])
    depends, providers = {}, {}
    for line in r.stdout.splitlines():
        name, provides, deps = (line.split("\t") + ["", ""])[:3]
        alternatives = []
        for clause in deps.split(","):
            names = [re.split(r"[\s(:]", a.strip())[0] for a in clause.split("|") if a.strip()]
            alternatives.extend(n for n in names if n)
        depends[name] = alternatives
        for p in provides.split(","):
            p = re.split(r"[\s(:]", p.strip())[0]
            if p:
                providers.setdefault(p, []).append(name)
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        for real in [name] + providers.get(name, []):
            if real in seen or real not in depends:
                continue
            seen.add(real)
            todo.extend(depends[real])
    return seen


def check_dockerfile(source_dir, helpfull):
    instrs = instructions(open(os.path.join(source_dir, "Dockerfile")).read())
    st = stages(instrs)
    if len(st) < 2:
        fail("Dockerfile needs a build stage and a runtime stage")
        return
    for s in st:
        if not s["from"].split()[0] == "debian:bookworm":
            fail("stage FROM %r is not debian:bookworm" % s["from"])
    build, runtime = st[0], st[-1]
    build_runs = " && ".join(a for k, a in build["items"] if k == "RUN")
    if "scripts/install-deps.sh build" not in build_runs:
        fail("build stage does not run scripts/install-deps.sh build")
    if not re.search(r"scripts/build\.sh[^&]*-DASSIGND_BUILD_TESTS=OFF", build_runs):
        fail("build stage does not run scripts/build.sh -DASSIGND_BUILD_TESTS=OFF")
    items = runtime["items"]
    runtime_runs = " && ".join(a for k, a in items if k == "RUN")
    if not re.search(r"install-deps\.sh runtime", runtime_runs):
        fail("runtime stage does not run install-deps.sh runtime")
    users = [a for k, a in items if k == "USER"]
    if not users or users[-1].split(":")[0] in ("root", "0"):
        fail("runtime stage does not switch to a non-root USER (got %r)" % users)
    exposed = {p.split("/")[0] for k, a in items if k == "EXPOSE" for p in a.split()}
    for flag in ("grpc_address", "metrics_address"):
        default = flag_default(helpfull, flag)
        if default is None:
            fail("assignd --helpfull does not show --%s's default" % flag)
        elif default.rsplit(":", 1)[1] not in exposed:
            fail("EXPOSE %s lacks --%s's default port (%s)" % (sorted(exposed), flag, default))
    health = [exec_form(a.split("CMD", 1)[1]) for k, a in items if k == "HEALTHCHECK" and "CMD" in a]
    if not health or health[-1][0] != "assignctl" or "health" not in health[-1]:
        fail("HEALTHCHECK is not `assignctl ... health` (got %r)" % health)
    entry = [exec_form(a) for k, a in items if k == "ENTRYPOINT"]
    config = [w.split("=", 1)[1] for w in (entry[-1] if entry else []) if w.startswith("--config=")]
    if not entry or entry[-1][0] != "assignd" or not config:
        fail("ENTRYPOINT is not `assignd --config=...` (got %r)" % entry)
    else:
        copies = [a.split() for k, a in items if k == "COPY" and not a.startswith("--from")]
        if ["config/experiments.yaml", config[0]] not in copies:
            fail("the sample config is not copied to ENTRYPOINT's --config=%s" % config[0])
    print("Dockerfile: %d stages, runtime user %s, EXPOSE %s, ENTRYPOINT %s" %
          (len(st), users[-1] if users else "?", " ".join(sorted(exposed)),
           " ".join(entry[-1]) if entry else "?"))


def check_runtime_packages(source_dir, bin_dir):
    r = run([os.path.join(source_dir, "scripts/install-deps.sh"), "--print", "runtime"])
    runtime = r.stdout.split()
    if r.returncode != 0 or not runtime:
        fail("scripts/install-deps.sh --print runtime failed: " + r.stderr)
        return
    # One apt-cache call for all names (each call re-reads the cache, ~1 s on a busy machine).
    known = set(re.findall(r"^Package: (\S+)$", run(["apt-cache", "show"] + runtime).stdout, re.M))
    for name in runtime:
        if name not in known:
            fail("runtime package %s: apt-cache show finds no such package" % name)
    allowed = installed_dependency_closure(set(runtime) | BASE_IMAGE_PACKAGES)
    direct_ok = set(runtime) | BASE_IMAGE_PACKAGES
    for binary in ("assignd", "assignctl"):
        path = os.path.join(bin_dir, binary)
        ldd = run(["ldd", path]).stdout
        needed = set(re.findall(r"\(NEEDED\).*\[(.*)\]", run(["readelf", "-d", path]).stdout))
        owners = {}
        for line in ldd.splitlines():
            m = re.match(r"\s*(\S+) => (\S+)", line)
            if not m:
                continue
            soname, resolved = m.groups()
            if resolved == "not":
                fail("%s: %s is not found" % (binary, soname))
                continue
            owner = package_of(resolved)
            owners[soname] = owner
            if owner is None:
                fail("%s: %s (%s) belongs to no Debian package" % (binary, soname, resolved))
            elif owner not in allowed:
                fail("%s: %s comes from %s, which the runtime packages do not bring" %
                     (binary, soname, owner))
            elif soname in needed and owner not in direct_ok:
                fail("%s links %s directly; add its package %s to runtime_pkgs" %
                     (binary, soname, owner))
        print("%s: %d libraries from %s" % (binary, len(owners),
                                            " ".join(sorted({o for o in owners.values() if o}))))


def main():
    source_dir, bin_dir = sys.argv[1], sys.argv[2]
    helpfull = run([os.path.join(bin_dir, "assignd"), "--helpfull"]).stdout
    check_dockerfile(source_dir, helpfull)
    check_runtime_packages(source_dir, bin_dir)
    if failures:
        print("%d problem(s)" % len(failures))
        return 1
    print("Dockerfile consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
