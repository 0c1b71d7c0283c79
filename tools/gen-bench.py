#!/usr/bin/env python3
"""gen-bench.py - deterministic synthetic Salesforce login exports for benchmarks.

    gen-bench.py setup   OUT.csv --rows N [--seed S]   Setup > Login History download
    gen-bench.py elf     OUT.csv --rows N [--seed S]   Event Monitoring ELF, EventType Login
    gen-bench.py tickets DIR     --count N [--seed S]  N support-ticket folders
    gen-bench.py connector-log OUT.log --mb N [--seed S]
                                         a sync connector's log, rare errors

Shapes follow the public docs cited in rules/fields.conf and rules/codes.conf:
  setup  English labels of the Setup > Login History download, RFC 4180
         minimal quoting, LF line ends, Login Time as ISO 8601
         `2026-11-03T14:02:11.000Z` (GMT).  The real header order is
         unverified; the order used here is ours.
  elf    the 28-column header of the Event Monitoring Login event type, every
         field quoted, TIMESTAMP yyyyMMddHHmmss.SSS, TIMESTAMP_DERIVED ISO,
         LOGIN_STATUS codes, one-letter LOGIN_TYPE codes.

Everything is synthetic (company names, users, IPs).  Output depends only on
the arguments: one random.Random(seed), no clock, gzip members with mtime=0.
Two status texts and codes are INVENTED on purpose ("unknown" reasons that
no rule knows) - see UNKNOWN_* below.  `Username-Password Flow Disabled` has
no documented ELF code; the code used for it here is invented too.
connector-log is the kind of file a support engineer is sent as "the log":
INFO/DEBUG lines of a sync job (time stamp, level, thread, logger, message
with ids, counts and durations, some `key=value` and `{...}` details), with
a rare failure every ~200,000 lines (a token error as JSON, a REST error
code, a retry warning).  It measures the text reader, whose cost is set by
the lines that hold no signature.
Standard library only.
"""

import argparse
import gzip
import os
import random
import sys
import time

DEFAULT_SEED = 20261103
# Six months of history ending on the reference date of the docs.
T_START = 1777939200  # 2026-05-05T00:00:00Z
T_END = 1793664000    # 2026-11-03T00:00:00Z

SETUP_HEADER = ("Username,Login Time,Source IP,Location,Login Type,Status,Application,"
                "Browser,Platform,Login URL,TLS Protocol,TLS Cipher Suite,API Type,"
                "API Version,Client Version,Country Code,HTTP Method,Login Subtype")

ELF_COLUMNS = ["EVENT_TYPE", "TIMESTAMP", "REQUEST_ID", "ORGANIZATION_ID", "USER_ID",
               "RUN_TIME", "CPU_TIME", "URI", "SESSION_KEY", "LOGIN_KEY", "USER_TYPE",
               "REQUEST_STATUS", "DB_TOTAL_TIME", "LOGIN_TYPE", "BROWSER_TYPE", "API_TYPE",
               "API_VERSION", "USER_NAME", "TLS_PROTOCOL", "CIPHER_SUITE",
               "AUTHENTICATION_METHOD_REFERENCE", "LOGIN_SUB_TYPE", "TIMESTAMP_DERIVED",
               "USER_ID_DERIVED", "CLIENT_IP", "URI_ID_DERIVED", "LOGIN_STATUS", "SOURCE_IP"]
ELF_HEADER = ",".join('"%s"' % c for c in ELF_COLUMNS)

# Login Type label -> ELF code (4.1).
LOGIN_TYPES = {
    "Application": "A",
    "Remote Access 2.0": "i",
    "Other Apex API": "I",
    "Partner Product": "R",
    "SAML Sfdc Initiated SSO": "8",
    "SAML Idp Initiated SSO": "5",
    "Remote Access Client": "6",
    "Lightning Login": "z",
}

# Status text as Login History shows it -> ELF LOGIN_STATUS code (3.1, 3.2).
STATUS_CODES = {
    "Success": "LOGIN_NO_ERROR",
    "Invalid Password": "LOGIN_ERROR_INVALID_PASSWORD",
    "Invalid login": "LOGIN_ERROR_INVALID_USERNAME",
    "Restricted IP": "LOGIN_ERROR_RESTRICTED_DOMAIN",
    "Restricted Time": "LOGIN_ERROR_RESTRICTED_TIME",
    "Restricted country": "LOGIN_ERROR_EXPORT_RESTRICTED",
    "Failed: API security token required": "LOGIN_ERROR_MUST_USE_API_TOKEN",
    "Username-Password Flow Disabled": "LOGIN_OAUTH_UNPW_FLOW_DISABLED",  # INVENTED code
    "Password Lockout": "LOGIN_ERROR_PASSWORD_LOCKOUT",
    "User Is Frozen": "LOGIN_ERROR_USER_FROZEN",
    "User is Inactive": "LOGIN_ERROR_USER_INACTIVE",
    "Failed: Computer activation required": "LOGIN_CHALLENGE_ISSUED",
    "Failed: Computer activation pending": "LOGIN_CHALLENGE_PENDING",
    "Login rate exceeded": "LOGIN_ERROR_RATE_EXCEEDED",
    "Failed: IP Address Not Allowed": "LOGIN_OAUTH_INVALID_IP",
    "Multi-factor required": "LOGIN_TWOFACTOR_REQ",
    "Failed: Signature Invalid": "LOGIN_OAUTH_INVALID_DSIG",
    "Failed: Missing Consumer Key Parameter": "LOGIN_OAUTH_NO_CONSUMER",
    "Failed: OAuth API access disabled": "LOGIN_OAUTH_API_DISABLED",
    "Failed: Get Access Token Limit Exceeded": "LOGIN_OAUTH_EXCEED_GET_AT_LMT",
    "Failed: Invalid Token": "LOGIN_OAUTH_INVALID_TOKEN",
    "Failed: Mobile License Required": "LOGIN_ERROR_USER_NON_MOBILE",
    "Failed: API-only user": "LOGIN_ERROR_USER_API_ONLY",
    "Lightning Login required": "LOGIN_LIGHTNING_LOGIN",
    "Failed: Client update required": "LOGIN_ERROR_CLIENT_REQ_UPDATE",
    "Failed: Assertion Expired": "LOGIN_SAML_INVALID_TIMESTAMP",
    "Failed: Signature Invalid/Configured Certificate Mismatch": "LOGIN_SAML_MISMATCH_CERT",
    "Failed: Username Or SSO Id Invalid": "LOGIN_SAML_INVALID_USERNAME",
    "Package for this consumer is not installed in your organization": "LOGIN_OAUTH_PACKAGE_MISSING",
    "Organization is in maintenance": "LOGIN_ERROR_ORG_IN_MAINTENANCE",
    # INVENTED: reasons no source documents, so no rule should know them.
    "Failed: Passkey attestation rejected": "LOGIN_ERROR_PASSKEY_ATTESTATION",
    "Failed: Device posture check failed": "LOGIN_ERROR_DEVICE_POSTURE",
}
UNKNOWN_STATUSES = ("Failed: Passkey attestation rejected", "Failed: Device posture check failed")

# Failure mixes (text, weight) by kind of client.
FAIL_INTEGRATION = [
    ("Restricted IP", 18), ("Failed: API security token required", 14),
    ("Username-Password Flow Disabled", 12), ("Failed: IP Address Not Allowed", 9),
    ("Invalid Password", 10), ("Login rate exceeded", 5), ("Failed: Signature Invalid", 4),
    ("Failed: Missing Consumer Key Parameter", 3), ("Failed: OAuth API access disabled", 3),
    ("Failed: Get Access Token Limit Exceeded", 2), ("Failed: Invalid Token", 3),
    ("User is Inactive", 2), ("User Is Frozen", 2), ("Password Lockout", 2),
    ("Package for this consumer is not installed in your organization", 1),
    ("Organization is in maintenance", 1),
    ("Failed: Passkey attestation rejected", 0.5),
]
FAIL_HUMAN = [
    ("Invalid Password", 40), ("Failed: Computer activation required", 12),
    ("Multi-factor required", 8), ("Password Lockout", 5), ("User Is Frozen", 3),
    ("User is Inactive", 3), ("Restricted IP", 5), ("Restricted Time", 2),
    ("Failed: Computer activation pending", 3), ("Invalid login", 6),
    ("Failed: Mobile License Required", 2), ("Lightning Login required", 1),
    ("Failed: Client update required", 1), ("Restricted country", 1),
    ("Failed: API-only user", 1), ("Login rate exceeded", 1),
    ("Failed: Device posture check failed", 0.5),
]
FAIL_SSO = [
    ("Failed: Assertion Expired", 5), ("Failed: Signature Invalid/Configured Certificate Mismatch", 2),
    ("Failed: Username Or SSO Id Invalid", 3), ("User Is Frozen", 1), ("User is Inactive", 1),
]

# (city/region/country label, ISO country code)
LOCATIONS = [
    ("San Francisco, CA, United States", "US"), ("New York, NY, United States", "US"),
    ("Chicago, IL, United States", "US"), ("Austin, TX, United States", "US"),
    ("Seattle, WA, United States", "US"), ("Atlanta, GA, United States", "US"),
    ("Toronto, ON, Canada", "CA"), ("London, England, United Kingdom", "GB"),
    ("Dublin, Leinster, Ireland", "IE"), ("Paris, Île-de-France, France", "FR"),
    ("Frankfurt am Main, Hesse, Germany", "DE"), ("München, Bavaria, Germany", "DE"),
    ("Amsterdam, North Holland, Netherlands", "NL"), ("Madrid, Madrid, Spain", "ES"),
    ("Bengaluru, Karnataka, India", "IN"), ("Tokyo, Tokyo, Japan", "JP"),
    ("Singapore, Central Singapore, Singapore", "SG"), ("Sydney, NSW, Australia", "AU"),
    ("São Paulo, São Paulo, Brazil", "BR"), ("Mexico City, CDMX, Mexico", "MX"),
]
CLOUD_LOCATIONS = [
    ("Ashburn, VA, United States", "US"), ("Boardman, OR, United States", "US"),
    ("Council Bluffs, IA, United States", "US"), ("Dublin, Leinster, Ireland", "IE"),
    ("Frankfurt am Main, Hesse, Germany", "DE"),
]

BROWSERS = ["Chrome 128", "Chrome 129", "Chrome 130", "Edge 128", "Edge 130", "Firefox 131",
            "Safari 17", "Safari 18"]
BROWSER_UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
]
MOBILE_UAS = [
    "SalesforceMobileSDK/12.1.0 iOS/17.6.1 (iPhone) Salesforce1/250.020.0 Hybrid uid_5E0C",
    "SalesforceMobileSDK/12.1.0 android mobile/14 (SM-S918B) Salesforce1/250.020.0 Native",
]
API_UAS = ["Go-http-client/1.1", "python-requests/2.32.3", "Apache-HttpClient/4.5.14 (Java/17.0.9)",
           "Java/17.0.12", "okhttp/4.12.0", "axios/1.7.7", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
           "Salesforce CLI/2.61.8 (linux-x64, node-v20.17.0)", "DataLoader/62.0.0 (Windows 11, Java 17)"]
FORMULA_VALUES = ["'=cmd|' /C calc'!A0", "'=HYPERLINK(\"http://example.invalid\",\"x\")", "'=1+2"]

HUMAN_APPS = ["Browser", "Salesforce for iOS", "Salesforce for Android", "Salesforce Mobile Web",
              "Salesforce for Outlook", "Salesforce Inbox", "Salesforce Authenticator",
              "Slack", "Quip", "Tableau CRM", "Gmail Integration", "Salesforce Field Service for iOS",
              "LinkedIn Sales Navigator", "DocuSign", "Conga Composer"]
TOOL_APPS = ["Data Loader", "Workbench", "Salesforce CLI", "Salesforce Extensions for VS Code",
             "Postman", "Dataloader.io"]
CONNECTOR_APPS = ["CatalogConnector", "MuleSoft Composer", "ERP Sync", "Marketing Cloud Connect",
                  "Pardot", "Zapier", "Informatica Cloud", "Jitterbit Harmony", "Boomi AtomSphere",
                  "OwnBackup", "Datadog", "Splunk Add-on for Salesforce", "HubSpot", "Outreach",
                  "Gong", "ZoomInfo", "Power BI Connector", "Tableau Bridge", "N/A"]
INTEGRATION_USERS = ["catalog.connector", "erp.sync", "mulesoft.integration", "marketing.connect",
                     "pardot.connector", "zapier.bot", "informatica.etl", "jitterbit.api",
                     "boomi.integration", "ownbackup.service", "datadog.monitor", "splunk.reader",
                     "hubspot.sync", "outreach.sync", "gong.connector", "zoominfo.enrich",
                     "powerbi.reader", "tableau.bridge", "dataloader.nightly", "ci.deploy",
                     "svc.billing", "svc.warehouse", "svc.support-portal", "svc.docusign",
                     "svc.catalog-import"]
FIRST = ["james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david",
         "elizabeth", "william", "barbara", "richard", "susan", "joseph", "jessica", "thomas",
         "sarah", "chris", "karen", "priya", "wei", "yuki", "lucas", "sofia", "mateo", "amara",
         "noah", "emma", "olivia", "liam", "ava", "hiro", "fatima", "omar", "ingrid", "lars",
         "chloe", "raj", "ana"]
LAST = ["smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez",
        "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor",
        "moore", "jackson", "martin", "lee", "perez", "thompson", "white", "harris", "sanchez",
        "clark", "ramirez", "lewis", "robinson", "walker", "young", "allen", "king", "wright",
        "scott", "torres", "nguyen", "hill", "flores", "patel", "kim", "tanaka", "muller", "rossi",
        "dubois", "silva", "kowalski", "novak", "larsen"]
COMPANIES = ["northwind-supply", "contoso-retail", "fabrikam-industries", "tailspin-travel",
             "adventure-works", "wingtip-toys", "litware-health", "proseware-labs",
             "woodgrove-bank", "lucerne-publishing", "alpine-ski-house", "blue-yonder-air",
             "coho-winery", "fourth-coffee", "graphic-design-inst", "humongous-insurance",
             "margies-travel", "relecloud", "southridge-video", "trey-research"]

ID_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def sfid18(id15):
    """The documented 15 -> 18 character Salesforce id checksum."""
    out = []
    for i in range(3):
        chunk = id15[i * 5:i * 5 + 5]
        bits = 0
        for j, ch in enumerate(chunk):
            if "A" <= ch <= "Z":
                bits |= 1 << j
        out.append(ID_SUFFIX[bits])
    return id15 + "".join(out)


def csvq(value):
    """RFC 4180 minimal quoting (what most CSV writers do)."""
    if "," in value or '"' in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def elfq(value):
    return '"' + value.replace('"', '""') + '"'


def cum(weights):
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


class Ctx:
    """One way a user logs in: from where, with what, how.  Precomputes the
    CSV text of everything that does not change from one login to the next."""
    __slots__ = ("user", "setup_a", "setup_b", "fail_texts", "fail_cum", "elf_parts", "weight",
                 "ip", "kind")


class User:
    __slots__ = ("name", "kind", "id15", "id18", "ctxs", "ctx_cum", "weight")


class Population:
    def __init__(self, rng, company, n_users=2000, n_ips=5000, n_integration=None):
        self.rng = rng
        self.domain = company + ".com"
        self.mydomain = company.split("-")[0] + ".my.salesforce.com"
        self.org_id = "00D" + self._rid(12)
        self.ips = self._make_ips(n_ips)
        self.office_ips = self.ips[:40]
        self.cloud_ips = [(self._ip4(cloud=True), loc) for loc in
                          (rng.choice(CLOUD_LOCATIONS) for _ in range(60))]
        if n_integration is None:
            n_integration = len(INTEGRATION_USERS)
        self.users = []
        seen = set()
        for i in range(n_integration):
            name = INTEGRATION_USERS[i % len(INTEGRATION_USERS)]
            if i >= len(INTEGRATION_USERS):
                name += str(i // len(INTEGRATION_USERS) + 1)
            self.users.append(self._make_user(name + "@" + self.domain, "integration", i))
            seen.add(name)
        while len(self.users) < n_users:
            base = rng.choice(FIRST) + "." + rng.choice(LAST)
            name = base
            k = 2
            while name in seen:
                name = base + str(k)
                k += 1
            seen.add(name)
            kind = "sso" if rng.random() < 0.15 else "human"
            self.users.append(self._make_user(name + "@" + self.domain, kind, len(self.users)))
        self.user_cum = cum(u.weight for u in self.users)
        self.connector = self.users[0]  # catalog.connector@<company>.com

    # -- ids and addresses ---------------------------------------------------
    def _rid(self, n):
        return "".join(self.rng.choice(ALNUM) for _ in range(n))

    def _ip4(self, cloud=False):
        r = self.rng
        if cloud:
            first = r.choice((3, 18, 34, 35, 44, 52, 54, 13))
        else:
            first = r.choice((24, 47, 64, 66, 71, 73, 76, 81, 86, 92, 98, 104, 108, 151, 173,
                              185, 203, 212, 217))
        return "%d.%d.%d.%d" % (first, r.randrange(256), r.randrange(256), r.randrange(1, 255))

    def _make_ips(self, n):
        out = []
        seen = set()
        while len(out) < n:
            if self.rng.random() < 0.03:
                ip = "2001:db8:%x:%x::%x" % (self.rng.randrange(65536), self.rng.randrange(65536),
                                             self.rng.randrange(1, 65536))
            else:
                ip = self._ip4()
            if ip in seen:
                continue
            seen.add(ip)
            out.append((ip, self.rng.choice(LOCATIONS)))
        return out

    # -- users and their login contexts -----------------------------------------
    def _make_user(self, name, kind, idx):
        r = self.rng
        u = User()
        u.name = name
        u.kind = kind
        u.id15 = "0055g0000" + self._rid(6)
        u.id18 = sfid18(u.id15)
        ctxs = []
        if kind == "integration":
            app = CONNECTOR_APPS[idx % len(CONNECTOR_APPS)]
            u.weight = r.uniform(40, 400)
            ips = [r.choice(self.cloud_ips) for _ in range(r.randint(1, 4))]
            soap = r.random() < 0.3
            for ip in ips:
                if soap:
                    ctxs.append(self._ctx(u, ip, r.choice(("Other Apex API", "Partner Product")),
                                          app, r.choice(API_UAS), "api", FAIL_INTEGRATION))
                else:
                    ctxs.append(self._ctx(u, ip, "Remote Access 2.0", app, r.choice(API_UAS),
                                          "oauth", FAIL_INTEGRATION))
        else:
            u.weight = r.uniform(1, 10)
            own = [r.choice(self.office_ips)] + [r.choice(self.ips) for _ in range(r.randint(1, 3))]
            fails = FAIL_SSO if kind == "sso" else FAIL_HUMAN
            for ip in own:
                if kind == "sso":
                    lt = "SAML Sfdc Initiated SSO" if r.random() < 0.8 else "SAML Idp Initiated SSO"
                else:
                    lt = "Application"
                ctxs.append(self._ctx(u, ip, lt, "Browser", None, "ui", fails))
            if r.random() < 0.4:
                app = r.choice(HUMAN_APPS[1:])
                ctxs.append(self._ctx(u, r.choice(self.ips), "Remote Access 2.0", app,
                                      r.choice(MOBILE_UAS), "mobile", FAIL_HUMAN))
            if r.random() < 0.08:
                app = r.choice(TOOL_APPS)
                lt = r.choice(("Remote Access 2.0", "Partner Product", "Other Apex API"))
                ctxs.append(self._ctx(u, own[0], lt, app, r.choice(API_UAS),
                                      "oauth" if lt == "Remote Access 2.0" else "api", FAIL_INTEGRATION))
        u.ctxs = ctxs
        u.ctx_cum = cum(c.weight for c in ctxs)
        return u

    def _ctx(self, u, ipinfo, login_type, app, ua, channel, fails):
        r = self.rng
        ip, (location, country) = ipinfo
        c = Ctx()
        c.user = u
        c.ip = ip
        c.kind = channel
        c.weight = r.uniform(0.5, 3.0)
        tls13 = r.random() < 0.35
        tls = "TLS 1.3" if tls13 else "TLS 1.2"
        cipher = "TLS_AES_256_GCM_SHA384" if tls13 else r.choice(
            ("ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256"))
        login_url = self.mydomain if r.random() < 0.85 else "login.salesforce.com"
        http = "POST"
        api_type, api_ver, client_ver, subtype, elf_sub = "N/A", "N/A", "N/A", "", ""
        elf_api_type, elf_api_ver = "", ""
        if channel == "ui":
            if r.random() < 0.2:
                browser = r.choice(BROWSER_UAS)
                ua = browser
            else:
                browser = r.choice(BROWSERS)
                ua = r.choice(BROWSER_UAS)
            platform = r.choice(("Windows 10", "Windows 11", "Mac OSX", "Linux", "Chrome OS"))
            uri = "/index.jsp" if login_type == "Application" else "/saml/SSO"
            if login_type == "Application":
                subtype, elf_sub = "UI Username-Password", "uiup"
            if r.random() < 0.1:
                http = "GET"
        elif channel == "mobile":
            browser = r.choice(("Salesforce for iOS 250.020", "Salesforce for Android 250.020",
                                "Mobile Safari 17", "Chrome Mobile 130"))
            platform = r.choice(("iOS/iPhone", "iPadOS", "Android 14", "Android 15"))
            uri = "/services/oauth2/token"
            subtype, elf_sub = "OAuth Refresh Token", "oauthtoken"
            elf_api_ver = "9998.0"
            client_ver = "250.020.0"
        elif channel == "oauth":
            browser = ua if r.random() < 0.5 else "Unknown"
            platform = r.choice(("Unknown", "Linux", "Windows Server 2022"))
            uri = "/services/oauth2/token"
            subtype, elf_sub = r.choice((("OAuth Username-Password", "oauthpassword"),
                                         ("OAuth Refresh Token", "oauthtoken"),
                                         ("OAuth Web Server", "oauthcode"),
                                         ("OAuth Client Credentials", "oauthclientcredential")))
            elf_api_ver = "9998.0"
        else:  # SOAP api
            browser = ua if r.random() < 0.5 else "Unknown"
            platform = r.choice(("Unknown", "Linux", "Windows Server 2022"))
            api_type, elf_api_type = r.choice((("SOAP Partner", "P"), ("SOAP Enterprise", "E")))
            api_ver = elf_api_ver = r.choice(("59.0", "60.0", "61.0", "62.0"))
            uri = "/services/Soap/%s/%s" % ("u" if elf_api_type == "P" else "c", api_ver)
            if app in TOOL_APPS:
                client_ver = r.choice(("62.0.0", "61.0.2", "N/A"))
        if channel == "ui" and r.random() < 0.002:  # rare Data Loader-style `'=` guard
            client_ver = r.choice(FORMULA_VALUES)
        c.setup_a = ",".join((csvq(ip), csvq(location), csvq(login_type)))
        c.setup_b = ",".join(csvq(v) for v in (app, browser, platform, login_url, tls, cipher,
                                                api_type, api_ver, client_ver, country, http, subtype))
        # ELF: fixed quoted fragments around the per-login values.
        q = elfq
        client_ip = "Salesforce.com IP" if channel == "ui" and r.random() < 0.05 else ip
        c.elf_parts = (
            # after USER_ID ... up to RUN_TIME is per row
            q(uri) + ',"",',                                   # URI, SESSION_KEY
            ',' + q("Standard") + ',' + q(r.choice(("", "", "S"))) + ',',  # USER_TYPE, REQUEST_STATUS
            ',' + ",".join(q(v) for v in (LOGIN_TYPES[login_type], ua or "", elf_api_type,
                                          elf_api_ver, u.name,
                                          "TLSv1.3" if tls13 else "TLSv1.2", cipher, "", elf_sub)) + ',',
            ',' + q(u.id18) + ',' + q(client_ip) + ',"",',     # USER_ID_DERIVED, CLIENT_IP, URI_ID_DERIVED
            ',' + q(ip) + '\n',
        )
        c.fail_texts = [t for t, _ in fails]
        c.fail_cum = cum(w for _, w in fails)
        return c


class Clock:
    """Formats epoch milliseconds, caching the date part per day."""

    def __init__(self):
        self.day = None
        self.iso_prefix = ""
        self.elf_prefix = ""

    def fmt(self, t_ms):
        s, ms = divmod(t_ms, 1000)
        day, sod = divmod(s, 86400)
        if day != self.day:
            self.day = day
            tm = time.gmtime(day * 86400)
            self.iso_prefix = "%04d-%02d-%02dT" % (tm.tm_year, tm.tm_mon, tm.tm_mday)
            self.elf_prefix = "%04d%02d%02d" % (tm.tm_year, tm.tm_mon, tm.tm_mday)
        h, rem = divmod(sod, 3600)
        m, sec = divmod(rem, 60)
        return h, m, sec, ms

    def iso(self, t_ms):
        h, m, sec, ms = self.fmt(t_ms)
        return "%s%02d:%02d:%02d.%03dZ" % (self.iso_prefix, h, m, sec, ms)

    def both(self, t_ms):
        h, m, sec, ms = self.fmt(t_ms)
        return ("%s%02d%02d%02d.%03d" % (self.elf_prefix, h, m, sec, ms),
                "%s%02d:%02d:%02d.%03dZ" % (self.iso_prefix, h, m, sec, ms))


def events(pop, rng, n, t0=T_START, t1=T_END, fail_rate=0.07):
    """Yield (ctx, t_ms, status_text) for n logins in increasing time order."""
    from bisect import bisect_right
    users = pop.users
    user_cum = pop.user_cum
    rnd = rng.random
    step = (t1 - t0) * 1000.0 / max(n, 1)
    base = t0 * 1000.0
    chunk = 4096
    done = 0
    while done < n:
        k = min(chunk, n - done)
        picks = rng.choices(users, cum_weights=user_cum, k=k)
        for u in picks:
            ctxs = u.ctxs
            c = ctxs[0] if len(ctxs) == 1 else ctxs[bisect_right(u.ctx_cum, rnd() * u.ctx_cum[-1])]
            t_ms = int(base + (done + rnd()) * step)
            if rnd() < fail_rate:
                fc = c.fail_cum
                status = c.fail_texts[bisect_right(fc, rnd() * fc[-1])]
            else:
                status = "Success"
            yield c, t_ms, status
            done += 1


def setup_line(c, t_iso, status):
    return "%s,%s,%s,%s,%s\n" % (csvq(c.user.name), t_iso, c.setup_a, csvq(status), c.setup_b)


def elf_line(c, ts, iso, status, rng, org_id):
    rb = rng.getrandbits
    p = c.elf_parts
    run = 20 + rb(8)
    return ('"Login","%s","%s","%s","%s","%d","%d",%s"%s"%s"%d"%s"%s"%s"%s"%s'
            % (ts, "4%021x" % rb(84), org_id, c.user.id15, run, run // 3 + rb(4), p[0],
               "%016x" % rb(64), p[1], (run * 400000 + rb(20)), p[2], iso, p[3],
               STATUS_CODES[status], p[4]))


def write_setup(path, pop, rng, n, t0=T_START, t1=T_END, fail_override=None, opener=None):
    clock = Clock()
    out = []
    f = opener(path) if opener else open(path, "w", encoding="utf-8", newline="", buffering=1 << 20)
    with f:
        f.write(SETUP_HEADER + "\n")
        for c, t_ms, status in (fail_override or events(pop, rng, n, t0, t1)):
            out.append(setup_line(c, clock.iso(t_ms), status))
            if len(out) >= 8192:
                f.write("".join(out))
                out.clear()
        f.write("".join(out))


def write_elf(path, pop, rng, n, t0=T_START, t1=T_END, fail_override=None, opener=None):
    clock = Clock()
    out = []
    org = pop.org_id[:15]
    f = opener(path) if opener else open(path, "w", encoding="utf-8", newline="", buffering=1 << 20)
    with f:
        f.write(ELF_HEADER + "\n")
        for c, t_ms, status in (fail_override or events(pop, rng, n, t0, t1)):
            ts, iso = clock.both(t_ms)
            out.append(elf_line(c, ts, iso, status, rng, org))
            if len(out) >= 8192:
                f.write("".join(out))
                out.clear()
        f.write("".join(out))


# ---------------------------------------------------------------------------
# tickets
# ---------------------------------------------------------------------------
CAUSES = [  # (name, share)
    ("restricted-ip", 40), ("unpw-flow-disabled", 25), ("api-token", 15), ("mixed", 20)]


def gz_opener(path):
    raw = open(path, "wb")
    gz = gzip.GzipFile(filename=os.path.basename(path)[:-3], mode="wb", fileobj=raw, mtime=0,
                       compresslevel=6)

    class W:
        def write(self, s):
            gz.write(s.encode("utf-8"))

        def __enter__(self):
            return self

        def __exit__(self, *a):
            gz.close()
            raw.close()
    return W()


def ticket_events(pop, rng, cause, n, t0, t1):
    """Background logins plus the incident: the connector keeps retrying
    and failing from the moment something changed."""
    conn = pop.connector
    # The connector's context for the incident.
    if cause == "restricted-ip":
        ctx = conn.ctxs[0]
        text = "Restricted IP"
    elif cause == "unpw-flow-disabled":
        ctx = pop._ctx(conn, rng.choice(pop.cloud_ips), "Remote Access 2.0", "CatalogConnector",
                       "python-requests/2.32.3", "oauth", FAIL_INTEGRATION)
        text = "Username-Password Flow Disabled"
    elif cause == "api-token":
        ctx = pop._ctx(conn, rng.choice(pop.cloud_ips), "Partner Product", "CatalogConnector",
                       "Java/17.0.12", "api", FAIL_INTEGRATION)
        text = "Failed: API security token required"
    else:
        ctx, text = None, None
    incident_from = t0 + int((t1 - t0) * rng.uniform(0.3, 0.8))
    evs = list(events(pop, rng, n, t0, t1, fail_rate=0.05))
    if ctx is not None:
        out = []
        for c, t_ms, status in evs:
            if c.user is conn or (rng.random() < 0.25 and t_ms // 1000 >= incident_from):
                # connector logins: success before the incident, failing after
                if t_ms // 1000 >= incident_from:
                    out.append((ctx, t_ms, text))
                else:
                    out.append((ctx, t_ms, "Success"))
            else:
                out.append((c, t_ms, status))
        evs = out
    return evs


def write_tickets(outdir, count, seed):
    rng = random.Random(seed)
    os.makedirs(outdir, exist_ok=True)
    names = [n for n, _ in CAUSES]
    shares = [w for _, w in CAUSES]
    # A deterministic allocation of causes with the exact shares, shuffled.
    alloc = []
    for name, w in CAUSES:
        alloc += [name] * round(count * w / 100)
    while len(alloc) < count:
        alloc.append(rng.choices(names, weights=shares)[0])
    alloc = alloc[:count]
    rng.shuffle(alloc)
    for i in range(count):
        d = os.path.join(outdir, "ticket-%05d" % (i + 1))
        os.makedirs(d, exist_ok=True)
        company = rng.choice(COMPANIES)
        pop = Population(rng, company, n_users=rng.randint(8, 40), n_ips=60,
                         n_integration=rng.randint(1, 4))
        cause = alloc[i]
        nfiles = rng.choices((1, 2, 3), weights=(55, 30, 15))[0]
        day0 = T_START + rng.randrange(0, (T_END - T_START) // 86400 - 3) * 86400
        for j in range(nfiles):
            n = rng.randint(20, 400)
            t0 = day0 + j * 86400
            t1 = t0 + 86400
            evs = ticket_events(pop, rng, cause, n, t0, t1)
            elf = j > 0 and rng.random() < 0.5
            gz = rng.random() < 0.08
            if elf:
                tm = time.gmtime(t0)
                fname = "Login-%04d-%02d-%02d.csv" % (tm.tm_year, tm.tm_mon, tm.tm_mday)
            else:
                fname = "LoginHistory.csv" if j == 0 else "LoginHistory-%d.csv" % (j + 1)
            if gz:
                fname += ".gz"
            path = os.path.join(d, fname)
            opener = gz_opener if gz else None
            if elf:
                write_elf(path, pop, rng, n, fail_override=evs, opener=opener)
            else:
                write_setup(path, pop, rng, n, fail_override=evs, opener=opener)


# ---------------------------------------------------------------------------
# connector log (text reader benchmark)
# ---------------------------------------------------------------------------
LOG_LOGGERS = ["c.n.sync.SyncJob", "c.n.sync.BatchWriter", "c.n.http.Pool", "c.n.sf.BulkClient",
               "c.n.sync.Scheduler", "c.n.sf.QueryCursor", "c.n.cache.Store"]
LOG_OBJECTS = ["Account", "Contact", "Opportunity", "Order__c", "Invoice__c", "Product2",
               "PricebookEntry", "Case"]
LOG_RARE = [
    "{ts} ERROR [{th}] c.n.sf.AuthClient - token request failed: "
    '{{"error":"invalid_grant","error_description":"authentication failure"}}',
    "{ts} ERROR [{th}] c.n.sf.RestClient - call failed: INVALID_SESSION_ID: Session expired or invalid",
    "{ts} WARN  [{th}] c.n.http.Pool - request to acme.my.salesforce.com timed out; retrying in 2 s",
]


def write_connector_log(path, mb, seed):
    """About mb * 10^6 bytes of log lines; failures are rare and spread evenly."""
    rng = random.Random(seed)
    target = mb * 1_000_000
    t = T_START * 1000
    written = 0
    n = 0
    with open(path, "w", newline="\n") as f:
        buf = []
        while written < target:
            t += rng.randint(1, 900)
            ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t // 1000)) + ".%03dZ" % (t % 1000)
            th = "sync-worker-%d" % rng.randint(1, 8)
            n += 1
            if n % 200_000 == 0:
                line = LOG_RARE[(n // 200_000) % len(LOG_RARE)].format(ts=ts, th=th)
            else:
                r = rng.random()
                obj = rng.choice(LOG_OBJECTS)
                if r < 0.45:
                    line = "%s INFO  [%s] %s - Upserted %d %s records (batch %d) in %d ms" % (
                        ts, th, rng.choice(LOG_LOGGERS), rng.randint(1, 200), obj,
                        rng.randint(1, 99999), rng.randint(20, 4000))
                elif r < 0.75:
                    line = ("%s DEBUG [%s] c.n.sf.QueryCursor - next page of %s: "
                            "locator=01g%08X size=%d elapsed=%dms" % (
                                ts, th, obj, rng.getrandbits(32), rng.randint(200, 2000),
                                rng.randint(5, 900)))
                elif r < 0.9:
                    line = ("%s DEBUG [%s] c.n.http.Pool - GET /services/data/v59.0/query "
                            "-> 200 (%d bytes, %d ms) pool={active=%d, idle=%d}" % (
                                ts, th, rng.randint(300, 90000), rng.randint(30, 2000),
                                rng.randint(0, 16), rng.randint(0, 16)))
                else:
                    line = "%s INFO  [%s] c.n.sync.Scheduler - cycle %d done: %d changed, %d skipped" % (
                        ts, th, rng.randint(1, 10**6), rng.randint(0, 5000), rng.randint(0, 50))
            buf.append(line)
            written += len(line) + 1
            if len(buf) >= 10000:
                f.write("\n".join(buf) + "\n")
                buf = []
        if buf:
            f.write("\n".join(buf) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="gen-bench.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("setup", "elf"):
        p = sub.add_parser(name)
        p.add_argument("out")
        p.add_argument("--rows", type=int, required=True)
        p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p = sub.add_parser("tickets")
    p.add_argument("out")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p = sub.add_parser("connector-log")
    p.add_argument("out")
    p.add_argument("--mb", type=int, required=True)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    a = ap.parse_args(argv)
    if a.cmd == "connector-log":
        tmp = a.out + ".tmp"
        write_connector_log(tmp, a.mb, a.seed)
        os.replace(tmp, a.out)
        return 0
    if a.cmd in ("setup", "elf"):
        if a.rows < 0:
            ap.error("--rows must be >= 0")
        rng = random.Random(a.seed)
        pop = Population(rng, "northwind-supply")
        tmp = a.out + ".tmp"
        (write_setup if a.cmd == "setup" else write_elf)(tmp, pop, rng, a.rows)
        os.replace(tmp, a.out)
    else:
        write_tickets(a.out, a.count, a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
