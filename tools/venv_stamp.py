"""What `.venv` was made from, printed for `lap-ho-so.cmd` to compare with `.venv\\dvht-stamp.txt`.

Run by the Python that would create the environment, in the project folder. A `.venv` holds absolute
paths (the Python it was made with, the project folder of its editable install): after the folder is
moved (unzipped in Downloads then moved, OneDrive moving the Desktop), Python is upgraded or replaced,
or pyproject.toml changes, the lines differ and the script makes `.venv` again. Standard library
only, ASCII output (any console code page, any folder name).
"""

import hashlib
import os
import sys


def stamp(folder: str) -> str:
    with open(os.path.join(folder, "pyproject.toml"), "rb") as fh:
        project = hashlib.sha256(fh.read()).hexdigest()
    return "\n".join([
        "folder " + ascii(os.path.normcase(os.path.abspath(folder))),
        "python " + ascii(os.path.normcase(os.path.abspath(sys.executable))),
        "version " + ascii(sys.version),
        "bits " + str(64 if sys.maxsize > 2**32 else 32),
        "pyproject " + project,
    ]) + "\n"


if __name__ == "__main__":
    sys.stdout.write(stamp(os.getcwd()))
