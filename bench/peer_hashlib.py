#!/usr/bin/env python3
"""The floor: one sha256 pass over the file with Python's hashlib (OpenSSL), in 1 MiB reads.

python3 peer_hashlib.py FILE   prints the file's sha256 in hex. relcheck must hash every byte
of an evidence once as well; this is what that alone costs.
"""
import hashlib
import sys

h = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    while chunk := f.read(1 << 20):
        h.update(chunk)
print(h.hexdigest())
