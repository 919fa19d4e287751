/**
 * The script the sandboxed Python runs first (`python -B -c <this> <config> <command…>`), before any project
 * module is imported: a memory cap, an audit hook (PEP 578) that ends the process on the first write to the
 * file system, read of a file outside the project and Python's own files, process start, network or
 * DNS call, or ctypes use — reporting what was refused and the project
 * file and line that asked — then the real command (`-m alembic …`, `manage.py …`, `-c …`).
 *
 * Database drivers written in C (psycopg2, mysqlclient) connect without Python's socket layer, so their connect
 * functions are replaced as they are imported; sqlite3 opens every database in memory (Django's sqlmigrate opens
 * the project's database file, which SQLite would otherwise create); Django's applied-migrations lookup is
 * answered "none" without a connection, which is what sqlmigrate shows on a fresh checkout.
 *
 * The refusal is reported on stderr as one line `REFUSAL_MARK {json}` and the process exits at once with
 * REFUSAL_EXIT, so project code cannot catch and hide it.
 */
export const REFUSAL_MARK = 'db-migration-agent-sandbox-refused';
export const REFUSAL_EXIT = 86;

export const PYTHON_BOOTSTRAP = String.raw`
import json, os, resource, runpy, sys

_config = json.loads(sys.argv[1])
_command = sys.argv[2:]
_root = os.path.realpath(_config["root"])
_limit = _config["memoryBytes"]
resource.setrlimit(resource.RLIMIT_AS, (_limit, _limit))
sys.dont_write_bytecode = True

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_DENIED = {}
for _names, _what in (
    (("subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork", "os.forkpty",
      "os.startfile", "os.kill", "os.killpg", "pty.spawn"), "starting or signalling a process"),
    (("os.remove", "os.rmdir", "os.rename", "os.mkdir", "os.link", "os.symlink", "os.truncate", "os.chmod",
      "os.chown", "os.utime", "shutil.rmtree", "shutil.move", "shutil.copytree", "os.chflags", "os.mkfifo",
      "os.mknod"), "changing the file system"),
    (("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
      "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr", "socket.getnameinfo"),
     "network access"),
    (("ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.cdata", "ctypes.cdata/buffer",
      "ctypes.call_function", "ctypes.addressof", "ctypes.string_at", "ctypes.wstring_at", "ctypes.get_errno",
      "ctypes.set_errno"), "native code through ctypes"),
):
    for _name in _names:
        _DENIED[_name] = _what
_refusing = [False]


def _project_frame():
    # The innermost frame in the project's own code (not its virtualenv), else the innermost frame at all.
    frame = sys._getframe(2)
    fallback = None
    while frame is not None:
        name = frame.f_code.co_filename
        real = os.path.realpath(name) if os.path.isabs(name) else name
        if fallback is None and not real.startswith("<"):
            fallback = (real, frame.f_lineno)
        inside = real.startswith(_root + os.sep)
        if inside and not any(part in real for part in ("site-packages", "dist-packages", os.sep + ".venv" + os.sep,
                                                       os.sep + "venv" + os.sep)):
            return (os.path.relpath(real, _root), frame.f_lineno)
        frame = frame.f_back
    return fallback or ("", 0)


def _refuse(what, detail):
    _refusing[0] = True
    file, line = _project_frame()
    report = json.dumps({"what": what, "detail": detail, "file": file, "line": line})
    os.write(2, ("\n${REFUSAL_MARK} " + report + "\n").encode())
    os._exit(${REFUSAL_EXIT})


_OWN_PROC = ("/proc/self/", "/proc/thread-self/", "/proc/%d/" % os.getpid())
# The project, and Python's own files and packages wherever they are (pyenv and ~/.local sit in the home folder).
_READABLE = [_root] + [os.path.realpath(entry) for entry in sys.path + [sys.prefix, sys.base_prefix, sys.exec_prefix]
                       if entry]


# Outside the project and Python's own files, only what Python itself reads from the system (its libraries under
# /usr, time zones, MIME types, random devices, this process's /proc entry). Everything else — another project,
# the server's /proc/<pid>/environ holding DATABASE_URL, /etc/shadow, ~/.pgpass, ~/.aws — is refused.
_SYSTEM = ("/usr/", "/etc/localtime", "/etc/timezone", "/etc/mime.types", "/dev/null", "/dev/urandom",
           "/dev/random") + _OWN_PROC


def _secret(target):
    if not isinstance(target, (str, bytes)):
        return False
    real = os.path.realpath(os.fsdecode(target))
    inside = lambda folder: real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)
    if any(inside(folder) for folder in _READABLE):
        return False
    return not any(real == entry.rstrip(os.sep) or real.startswith(entry) for entry in _SYSTEM)


def _writes(args):
    target, mode, flags = (list(args) + [None, None, None])[:3]
    if isinstance(target, int) or target in ("/dev/null", b"/dev/null"):
        return False
    if isinstance(mode, str) and any(letter in mode for letter in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


def _hook(event, args):
    if _refusing[0]:
        return
    if event == "open" and _writes(args):
        _refuse("writing files", "open(%r, %r)" % (args[0], args[1]))
    elif event == "open" and _secret(args[0]):
        _refuse("reading files outside the project", "open(%r)" % (args[0],))
    elif event == "ctypes.dlopen" and args and args[0] is not None:
        # Importing ctypes opens the running process itself (ctypes.pythonapi); a library is native code.
        _refuse("native code through ctypes", "ctypes.dlopen(%r)" % (args[0],))
    elif event in _DENIED:
        _refuse(_DENIED.get(event, "a forbidden call"), event + repr(tuple(str(arg)[:80] for arg in args)))
    elif event == "object.__setattr__" and len(args) > 1 and args[0] in _OWN and args[1] == "__code__":
        _refuse("rewriting a function's code", "__code__ of %r" % (args[0],))


_OWN = (_project_frame, _refuse, _writes, _hook)


def _refuser(what):
    def refused(*args, **kwargs):
        _refuse("connecting to a database", what)
    return refused


def _in_memory(connect):
    def connect_in_memory(database, *args, **kwargs):
        kwargs.pop("uri", None)
        return connect(":memory:", *args, **kwargs)
    return connect_in_memory


def _no_applied_migrations(module):
    module.MigrationRecorder.has_table = lambda self: False


_AFTER_IMPORT = {
    "psycopg2": lambda module: [setattr(module, name, _refuser("psycopg2.connect")) for name in ("connect", "_connect")],
    "psycopg2._psycopg": lambda module: setattr(module, "_connect", _refuser("psycopg2.connect")),
    "psycopg": lambda module: setattr(module.Connection, "connect", classmethod(_refuser("psycopg.connect"))),
    "MySQLdb": lambda module: [setattr(module, name, _refuser("MySQLdb.connect")) for name in ("connect", "Connect")],
    "MySQLdb._mysql": lambda module: setattr(module, "connect", _refuser("MySQLdb.connect")),
    "sqlite3": lambda module: setattr(module, "connect", _in_memory(module.connect)),
    "sqlite3.dbapi2": lambda module: setattr(module, "connect", _in_memory(module.connect)),
    "django.db.migrations.recorder": _no_applied_migrations,
}


class _PatchAfterImport:
    def find_spec(self, name, path, target=None):
        if name not in _AFTER_IMPORT:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                original = spec.loader.exec_module

                def exec_module(module, original=original, patch=_AFTER_IMPORT[name]):
                    original(module)
                    patch(module)

                spec.loader.exec_module = exec_module
                return spec
        return None


sys.meta_path.insert(0, _PatchAfterImport())
sys.addaudithook(_hook)

if _command[0] == "-m":
    sys.argv = [_command[1]] + _command[2:]
    runpy.run_module(_command[1], run_name="__main__", alter_sys=True)
elif _command[0] == "-c":
    sys.argv = ["-c"] + _command[2:]
    exec(compile(_command[1], "<command>", "exec"), {"__name__": "__main__"})
else:
    sys.argv = _command
    runpy.run_path(_command[0], run_name="__main__")
`;
