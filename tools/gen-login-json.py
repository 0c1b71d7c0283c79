#!/usr/bin/env python3
"""gen-login-json.py - big JSON inputs, generated at test time.

    gen-login-json.py export OUT --records N [--fail-from K] [--gzip]
        a `sf data query --json` result of N LoginHistory records,
        pretty-printed with an indent of 2 as the sf CLI prints it
        (https://developer.salesforce.com/docs/atlas.en-us.sfdx_cli_reference.meta/sfdx_cli_reference/cli_reference_data_commands_unified.htm,
        `sf data query --json`: {"status": 0, "result": {"records": [...],
        "totalSize": N, "done": true}}); the fields are those of the
        LoginHistory object
        (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_loginhistory.htm).
        One connector user signs in every 15 seconds through a connected
        app from 198.51.100.20 until record K (default 3N/4); from then on
        every login of it comes from 203.0.113.45 and fails as
        "Restricted IP".  Every 10th record is a person's browser login that
        succeeds.  Prints "records=N succeeded=S failed=F".
    gen-login-json.py zeros OUT.gz --mb M
        a gzip of one JSON array of zeros ("[0,0,...,0]") of M MB.

Deterministic (no clock, no randomness, gzip mtime 0).  Standard library only.
"""

import argparse
import gzip
import sys
import time

T0 = 1793491200  # 2026-11-01T00:00:00Z

RECORD = """      {
        "attributes": {
          "type": "LoginHistory",
          "url": "/services/data/v62.0/sobjects/LoginHistory/%(id)s"
        },
        "Id": "%(id)s",
        "UserId": "%(user)s",
        "LoginTime": "%(time)s",
        "LoginType": "%(type)s",
        "SourceIp": "%(ip)s",
        "Status": "%(status)s",
        "Application": "%(app)s",
        "LoginUrl": "%(url)s"
      }"""


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime(T0 + t))


def export(out, n, fail_from, gz):
    opener = (lambda p: gzip.GzipFile(p, "wb", mtime=0)) if gz else (lambda p: open(p, "wb"))
    ok = bad = 0
    with opener(out) as f:
        f.write(b'{\n  "status": 0,\n  "result": {\n    "records": [\n')
        parts = []
        for i in range(n):
            r = {"id": "0Ya5g%08dAAA%02d" % (i, i % 100), "time": iso(15 * i),
                 "url": "login.salesforce.com"}
            if i % 10 == 9:
                r.update(user="0055g0000%05dQAA" % (i // 10 % 50), type="Application",
                         ip="192.0.2.%d" % (i // 10 % 200 + 1), status="Success",
                         app="Browser", browser="Chrome 131")
                ok += 1
            elif i < fail_from:
                r.update(user="0055g00000CatCnAAJ", type="Remote Access 2.0",
                         ip="198.51.100.20", status="Success", app="CatalogConnector",
                         browser="Unknown")
                ok += 1
            else:
                r.update(user="0055g00000CatCnAAJ", type="Remote Access 2.0",
                         ip="203.0.113.45", status="Restricted IP", app="CatalogConnector",
                         browser="Unknown")
                bad += 1
            parts.append(RECORD % r)
            if len(parts) == 4096 or i == n - 1:
                tail = "\n" if i == n - 1 else ",\n"
                f.write((",\n".join(parts) + tail).encode())
                parts = []
        f.write(('    ],\n    "totalSize": %d,\n    "done": true\n  }\n}\n' % n).encode())
    print("records=%d succeeded=%d failed=%d" % (n, ok, bad))


def zeros(out, mb):
    n = mb * 1000 * 1000 // 2
    block = b"0," * 65536
    with gzip.GzipFile(out, "wb", compresslevel=9, mtime=0) as f:
        f.write(b"[")
        left = n - 1
        while left > 0:
            k = min(left, 65536)
            f.write(block[: 2 * k])
            left -= k
        f.write(b"0]\n")
    print("elements=%d" % n)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("export")
    p.add_argument("out")
    p.add_argument("--records", type=int, required=True)
    p.add_argument("--fail-from", type=int)
    p.add_argument("--gzip", action="store_true")
    p = sub.add_parser("zeros")
    p.add_argument("out")
    p.add_argument("--mb", type=int, required=True)
    a = ap.parse_args(argv)
    if a.cmd == "export":
        ff = a.fail_from if a.fail_from is not None else a.records * 3 // 4
        export(a.out, a.records, ff, a.gzip)
    else:
        zeros(a.out, a.mb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
