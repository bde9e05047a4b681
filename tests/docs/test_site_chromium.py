#!/usr/bin/python3
"""test_site_chromium.py: the HTML site of `medsec docs` in headless Chromium (python3-selenium,
chromium-driver). Opens the cover, the GSPR checklist (when the set has one) and a page with an
architecture view (an inline SVG), plus the synthetic pages of test_docs_model (a wide SVG, a wide
table, gaps); on screen (1280 px) and in print layout (A4 content width) it checks: no console
errors, no resource from outside the site, no horizontal overflow, every table and figure inside
the page, GAP callouts visibly marked. Screenshots go to ARTEFACTS/*.png.

usage: test_site_chromium.py MEDSEC_BINARY TEST_DOCS_MODEL SOURCE_ROOT ARTEFACTS
Exit 77 when selenium, Chromium or chromedriver is missing (scripts/deps.sh --test installs them).
"""
import os
import shutil
import subprocess
import sys
import tempfile

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
except ImportError:
    print("chromium test: python3-selenium is not installed (scripts/deps.sh --test)")
    sys.exit(77)

medsec, model_test, root, artefacts = sys.argv[1:5]
driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
chrome = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
if not os.path.exists(driver_path) or not chrome:
    print("chromium test: chromium or chromedriver is not installed (scripts/deps.sh --test)")
    sys.exit(77)

failures = []
A4_CONTENT_PX = round((210 - 32) / 25.4 * 96)  # A4 less the 16 mm side margins of style.css

LAYOUT = """
const main = document.querySelector('main') || document.body;
const box = main.getBoundingClientRect();
const width = document.documentElement.clientWidth;
const out = {overflow: document.documentElement.scrollWidth - width, outside: [], gaps: 0, gapsUnmarked: 0,
             external: performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('file:')),
             tables: document.querySelectorAll('table').length, figures: document.querySelectorAll('figure svg').length};
for (const el of document.querySelectorAll('main table, main figure, main svg, main pre')) {
  const r = el.getBoundingClientRect();
  if (r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.right > width + 1))
    out.outside.push(el.tagName + ' ' + Math.round(r.left) + '..' + Math.round(r.right) + ' in ' +
                     Math.round(box.left) + '..' + Math.round(box.right));
}
for (const el of document.querySelectorAll('.callout.gap')) {
  out.gaps++;
  const s = getComputedStyle(el), tag = el.querySelector('.tag');
  const marked = s.display !== 'none' && s.visibility !== 'hidden' && s.backgroundColor !== 'rgba(0, 0, 0, 0)' &&
                 tag && tag.textContent === 'GAP' && parseFloat(s.borderLeftWidth) >= 4;
  if (!marked) out.gapsUnmarked++;
}
return out;
"""


def new_driver():
    o = webdriver.ChromeOptions()
    o.binary_location = chrome
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              "--force-device-scale-factor=1", "--allow-file-access-from-files"):
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=o)


def check_page(drv, name, path, shot):
    drv.set_window_size(1280, 1000)
    drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen"})
    drv.get("file://" + os.path.abspath(path))
    for entry in drv.get_log("browser"):
        if entry.get("level") == "SEVERE":
            failures.append(f"{name}: console error: {entry.get('message')}")
    for media, width in (("screen", 1280), ("print", A4_CONTENT_PX)):
        drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media})
        drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
        r = drv.execute_script(LAYOUT)
        if r["overflow"] > 1:
            failures.append(f"{name} ({media}, {width}px): the page is {r['overflow']}px wider than the window")
        for o in r["outside"][:5]:
            failures.append(f"{name} ({media}, {width}px): outside the page: {o}")
        if r["external"]:
            failures.append(f"{name}: loads resources from outside the site: {r['external'][:3]}")
        if r["gapsUnmarked"]:
            failures.append(f"{name} ({media}): {r['gapsUnmarked']} of {r['gaps']} GAP callouts are not marked")
        if media == "screen":
            stats = r
    drv.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen"})
    height = min(drv.execute_script("return document.documentElement.scrollHeight"), 8000)
    drv.set_window_size(1280, max(height, 600))
    drv.save_screenshot(os.path.join(artefacts, shot))
    for entry in drv.get_log("browser"):
        if entry.get("level") == "SEVERE":
            failures.append(f"{name}: console error: {entry.get('message')}")
    print(f"chromium test: {name}: {stats['tables']} tables, {stats['figures']} figures, {stats['gaps']} gaps -> {shot}")
    return stats


os.makedirs(artefacts, exist_ok=True)
with tempfile.TemporaryDirectory() as tmp:
    site = os.path.join(tmp, "site")
    r = subprocess.run([medsec, "docs", os.path.join(root, "examples", "infusion-pump"), "-o", site,
                        "--format", "html,files", "--source-commit", "chromium-test"], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"chromium test: medsec docs exited {r.returncode}: {r.stderr[:500]}")
        sys.exit(1)
    sample = os.path.join(tmp, "sample")
    subprocess.run([model_test, "--write-sample", sample], check=True)
    html = os.path.join(site, "html")
    pages = [("cover", os.path.join(html, "index.html"), "cover.png")]
    gspr = os.path.join(html, "gspr-checklist.html")
    if os.path.exists(gspr):
        pages.append(("gspr-checklist", gspr, "gspr-checklist.png"))
    else:
        print("chromium test: no gspr-checklist.html in the set yet: that screenshot is skipped")
    # the FDA architecture views when the set has them, else the first page with an SVG
    arch = os.path.join(html, "fda-architecture-views.html")
    if not os.path.exists(arch):
        arch = next((os.path.join(html, f) for f in sorted(os.listdir(html))
                     if f.endswith(".html") and f != "index.html" and "<svg" in open(os.path.join(html, f)).read()),
                    None)
    if arch:
        pages.append(("architecture view " + os.path.basename(arch), arch, "architecture-view.png"))
    else:
        print("chromium test: no page of the set has an SVG view yet: the synthetic one stands in")
    # every other page of the set is held to the same checks (no console error, nothing outside
    # the page on screen or at A4), with its screenshot kept too
    named = {p[1] for p in pages}
    pages += [("page " + f, os.path.join(html, f), "page-" + f[:-5] + ".png") for f in sorted(os.listdir(html))
              if f.endswith(".html") and os.path.join(html, f) not in named]
    pages += [("sample cover", os.path.join(sample, "html", "index.html"), "sample-cover.png"),
              ("sample architecture", os.path.join(sample, "html", "sample-architecture.html"),
               "sample-architecture.png" if arch else "architecture-view.png"),
              ("sample checklist", os.path.join(sample, "html", "sample-checklist.html"), "sample-checklist.png")]
    # --pdf: one PDF per page, cover first, A4, printed by the same Chromium
    pdf = os.path.join(tmp, "pdf")
    r = subprocess.run([medsec, "docs", os.path.join(root, "examples", "infusion-pump"), "-o", pdf,
                        "--format", "pdf", "--source-commit", "chromium-test"], capture_output=True, text=True)
    if r.returncode != 0:
        failures.append(f"--pdf exited {r.returncode}: {r.stderr[:300]}")
    else:
        pages_html = sorted(f[:-5] for f in os.listdir(os.path.join(pdf, "html")) if f.endswith(".html"))
        pdfs = sorted(f[:-4] for f in os.listdir(os.path.join(pdf, "pdf")))
        if pages_html != pdfs:
            failures.append(f"--pdf: PDFs {pdfs} for pages {pages_html}")
        for f in pdfs:
            data = open(os.path.join(pdf, "pdf", f + ".pdf"), "rb").read()
            if not data.startswith(b"%PDF-") or b"/MediaBox [0 0 594.95" not in data:
                failures.append(f"--pdf: {f}.pdf is not an A4 PDF")
        if shutil.which("pdftotext"):  # the running header and footer are printed on every page
            for f in pdfs:
                text = subprocess.run(["pdftotext", "-l", "1", os.path.join(pdf, "pdf", f + ".pdf"), "-"],
                                      capture_output=True, text=True).stdout
                for want in ("VolumeFlow LVP 3, version 3.2.0", "Helvetia Infusion Systems AG", "Page 1 of "):
                    if want not in text:
                        failures.append(f"--pdf: {f}.pdf page 1 has no '{want}' in its header or footer")
        if shutil.which("pdftoppm"):  # the cover's first page as an artefact, as printed
            subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", "-singlefile",
                            os.path.join(pdf, "pdf", "index.pdf"), os.path.join(artefacts, "cover-pdf")])
    drv = new_driver()
    try:
        for name, path, shot in pages:
            s = check_page(drv, name, path, shot)
            if name == "sample architecture" and (s["figures"] < 1 or s["gaps"] < 1 or s["tables"] < 1):
                failures.append(f"{name}: the figure, table or gap did not render: {s}")
            if name.startswith("architecture view") and s["figures"] < 1:
                failures.append(f"{name}: no SVG rendered")
    finally:
        drv.quit()

for f in failures:
    print("chromium test:", f)
sys.exit(1 if failures else 0)
