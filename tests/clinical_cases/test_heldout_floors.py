"""Accuracy floors on the frozen held-out sets, run through the CLI contracts (rules only).

The held-out sets (``tests/clinical_cases/heldout/``, README.md there) are written by someone
other than the rules' author and frozen; docs/accuracy.md says how they are kept. This module
never asserts a case: a miss is a measurement, reported in the failure message and in
docs/accuracy.md, and never a reason to add the missed wording to a data file
(``tests/unit/test_heldout_leak.py`` fails if someone does). Each area asserts one honest
floor with the held-out report's own scoring (``tests/clinical_cases/heldout/report.py``: every
case through ``clinicbox <cmd> --json --no-llm``). The lead sets the floors below from the
first run and only raises them after a general (mechanism) fix, recording the run in the
history table of docs/accuracy.md.

- triage: exact level over all cases (``clinicbox triage``);
- meds: recall of the expected problem — right type, drugs and at least the minimum severity
  (``clinicbox meds check``);
- advise: the expected diagnosis among the top-3 differentials, township-scope cases
  (``clinicbox advise``);
- dictations: contract fields right after ``clinicbox emr structure`` of the reference text
  (the audio → CER run is slow: ``python -m tests.clinical_cases.heldout.report speech``).
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.clinical_cases.heldout_files import HELDOUT_DIR, ROOT, heldout_files

# Floors (fractions), for the lead to set from the first run and raise only after general fixes.
# First run, 2026-12-03, rules of main d60ca4e: triage 40/95 = 42.1% exact (33 of 49 level-1/2
# cases under-triaged), meds 31/50 = 62.0%, advise 14/46 = 30.4% (township top-3), dictation
# fields 229/242 = 94.6%.
# First run of the rebuilt rules (2026-12-03; #17 meds at main 31d1654, #16 triage at ec69f78,
# #19 advise at d37a1d6): triage 82/95 = 86.3% exact, 4 of 49 level-1/2 under-triaged; meds
# 49/50 = 98.0%, 0 of 18 safe with a major alert; advise 42/46 = 91.3% township top-3, refer
# 22/22. Floors sit a few cases below those first runs, so a regression fails and one honest
# miss from a general fix does not; they are never raised by tuning on these cases.
TRIAGE_EXACT_MIN = 0.80
TRIAGE_UNDER_L12_MAX = 6
# Second triage set (frozen 2f3e6b1), first run 2026-12-03 at main 8b6f229: 57/80 = 71.2% exact,
# 8 of 34 level-1/2 under-triaged; after the extraction fixes of 359bf4b/3dd7c16 (made after
# reading its misses, so no longer held-out): 62/80 = 77.5%, 3 under-triaged.
TRIAGE_V2_EXACT_MIN = 0.72
TRIAGE_V2_UNDER_L12_MAX = 5
# Third triage set (frozen e503ed4), first run 2026-12-03 at main db4cf2f: 61/80 = 76.2% exact,
# 5 of 34 level-1/2 under-triaged; the floor sits a few cases below that first run.
TRIAGE_V3_EXACT_MIN = 0.72
TRIAGE_V3_UNDER_L12_MAX = 5
# Fourth triage set (frozen e2db465), first run 2026-12-03 at the third batch's rules: 52/80 =
# 65.0% exact, 9 of 34 level-1/2 under-triaged — the floor is that first run, a little below.
TRIAGE_V4_EXACT_MIN = 0.62
TRIAGE_V4_UNDER_L12_MAX = 9
# Fifth triage set (frozen 4209dbb; its writer read neither the rules nor the commit history),
# first run 2026-12-03 at the fourth batch's rules (aa9c08c): 59/80 = 73.8% exact, 2 of 34
# level-1/2 under-triaged. Nobody has read its misses: it is still held-out.
TRIAGE_V5_EXACT_MIN = 0.70
TRIAGE_V5_UNDER_L12_MAX = 3
# Sixth triage set (frozen 6ad591e; written while the first part of the fifth batch was made, by
# a writer who read neither the rules nor the history), first run 2026-12-04 at main 689cdb7:
# 53/80 = 66.2% exact, 3 of 34 level-1/2 under-triaged (all level 2 read as 3). Its misses were
# read for the sixth batch (2026-12-04): no longer held-out.
TRIAGE_V6_EXACT_MIN = 0.62
TRIAGE_V6_UNDER_L12_MAX = 4
# Seventh triage set (frozen fb3d430; its writer read neither the rules, the docs, the other sets
# nor the history), first run 2026-12-04 at main a660c8f: 51/80 = 63.8%, 9 of 34 under-triaged;
# 73.8% / 6 after the sixth batch (a0d2a32). Misses unread.
TRIAGE_V7_EXACT_MIN = 0.70
TRIAGE_V7_UNDER_L12_MAX = 7
# Eighth triage set (frozen 920f2aa; its writer read neither the rules, the docs, the other sets
# nor the history; written after the seventh batch), first run 2026-12-04 at a46e320 (rules of
# a4b50a9): 61/80 = 76.2% exact, 8 of 34 level-1/2 under-triaged. Misses unread.
TRIAGE_V8_EXACT_MIN = 0.72
TRIAGE_V8_UNDER_L12_MAX = 9
# Ninth triage set (frozen 5f90fcb; its writer opened nothing in the repository; written after
# the ninth batch), first run 2026-12-04 at main fe953bd (the ninth batch's rules): 67/80 = 83.8%
# exact, 2 of 34 level-1/2 under-triaged, 11 over. Misses unread.
TRIAGE_V9_EXACT_MIN = 0.80
TRIAGE_V9_UNDER_L12_MAX = 3
# Tenth triage set (frozen a25e16e; its writer opened nothing in the repository; written after the
# tenth batch), first run 2026-12-04 at main 7b6abfd (the tenth batch's rules): 70/80 = 87.5%
# exact, 0 of 34 level-1/2 under-triaged, 8 over. Misses unread.
TRIAGE_V10_EXACT_MIN = 0.84
TRIAGE_V10_UNDER_L12_MAX = 1
# Eleventh triage set (frozen 2d88785; its writer opened nothing in the repository; written after
# the eleventh batch), first run 2026-12-04 at main f147c2d (the eleventh batch's rules): 62/80 =
# 77.5% exact, 4 of 34 level-1/2 under-triaged, 10 over. Misses unread.
TRIAGE_V11_EXACT_MIN = 0.74
TRIAGE_V11_UNDER_L12_MAX = 5
# Twelfth triage set (frozen 5cd04ba; its writer opened nothing in the repository; written after
# the twelfth batch), first run 2026-12-04 at main 5cd04ba (the twelfth batch's rules): 73/80 =
# 91.2% exact, 1 of 34 level-1/2 under-triaged (a level 2 read as 4), 4 over. Misses unread.
TRIAGE_V12_EXACT_MIN = 0.87
TRIAGE_V12_UNDER_L12_MAX = 2
# Thirteenth triage set (frozen 06c1cf8 before the thirteenth batch; its writer opened nothing in
# the repository), deliberately first run only after that batch, 2026-12-04 at bb61758: 69/80 =
# 86.2% exact, 1 of 34 level-1/2 under-triaged (a level 2 read as 3), 8 over. Misses unread.
TRIAGE_V13_EXACT_MIN = 0.82
TRIAGE_V13_UNDER_L12_MAX = 2
# Fourteenth triage set (frozen f0bd322 before the fourteenth batch; its writer opened nothing in
# the repository), first run only after that batch, 2026-12-04 at bb4c5bc: 73/80 = 91.2% exact,
# 0 of 34 level-1/2 under-triaged, 4 over. Misses unread.
TRIAGE_V14_EXACT_MIN = 0.87
TRIAGE_V14_UNDER_L12_MAX = 1
# Fifteenth triage set (frozen 8cbc9ef before the fifteenth batch; its writer opened nothing in
# the repository), first run only after that batch, 2026-12-04 at 19db191: 76/80 = 95.0% exact,
# 1 of 34 level-1/2 under-triaged (a level 2 read as 3), 2 over. Misses unread.
TRIAGE_V15_EXACT_MIN = 0.91
TRIAGE_V15_UNDER_L12_MAX = 2
# Sixteenth triage set (frozen 16fa8c3 before the sixteenth batch; its writer opened nothing in
# the repository), first run only after that batch, 2026-12-04 at 135dd14: 69/80 = 86.2% exact,
# 2 of 34 level-1/2 under-triaged (a level 1 read as 2, a level 2 read as 3), 7 over. Misses
# unread. (On the rules before the batch, e6d4563, it reads 68/80 = 85.0%, 2 under.)
TRIAGE_V16_EXACT_MIN = 0.82
TRIAGE_V16_UNDER_L12_MAX = 3
# Seventeenth triage set (frozen 75bcb37 before the seventeenth batch; its writer opened nothing in
# the repository), first run only after that batch, 2026-12-04 at b728bb0: 70/80 = 87.5% exact,
# 2 of 34 level-1/2 under-triaged (a level 1 read as 2, a level 2 read as 4), 5 over. Misses
# unread. (On the rules before the batch, main 33ec9bf, it reads the same: 87.5%, 2 under.)
TRIAGE_V17_EXACT_MIN = 0.83
TRIAGE_V17_UNDER_L12_MAX = 3
# Eighteenth triage set (frozen cb5d30a before the eighteenth batch; its writer opened nothing in
# the repository), first run only after that batch, 2026-12-04 at 42581c6: 71/80 = 88.8% exact,
# 1 of 34 level-1/2 under-triaged (a level 2 read as 3), 4 over. Misses unread. (On the rules
# before the batch, main 0d1c24f, it reads the same.)
TRIAGE_V18_EXACT_MIN = 0.85
TRIAGE_V18_UNDER_L12_MAX = 2
# Nineteenth triage set (frozen c02253b before the nineteenth batch; its writer opened nothing in
# the repository), first run only after that batch, 2026-12-04 at 3649ecc: 69/80 = 86.2% exact,
# 5 of 34 level-1/2 under-triaged (a level 1 read as 2, three level 2 read as 3, one as 4), 6
# over. Misses unread. (On the rules before the batch, main d688cca, it reads the same.)
TRIAGE_V19_EXACT_MIN = 0.82
TRIAGE_V19_UNDER_L12_MAX = 6
# Twentieth triage set (frozen d4ead88 before the twentieth batch; its writer opened nothing in
# the repository), first run only after that batch, 2026-12-05 at ab25cff: 72/80 = 90.0% exact,
# 3 of 36 level-1/2 under-triaged, 2 over. Misses unread. (On the rules before the batch, main
# 81452d3, it reads the same.)
TRIAGE_V20_EXACT_MIN = 0.86
TRIAGE_V20_UNDER_L12_MAX = 4
# Twenty-first triage set (frozen 8d68bc0 before the twenty-first batch; its writer opened nothing
# in the repository), first run only after that batch, 2026-12-05 at b32ae17: 69/80 = 86.2%
# exact, 2 of 36 level-1/2 under-triaged, 7 over. Misses unread. (On the rules before the
# batch, main 74925fa: 85.0%, 3 under.)
TRIAGE_V21_EXACT_MIN = 0.82
TRIAGE_V21_UNDER_L12_MAX = 3
# Twenty-second triage set (frozen 9ffd62e before the twenty-second batch; its writer opened
# nothing in the repository), first run only after that batch, 2026-12-05 at cd05eb9: 63/80 =
# 78.8% exact, 3 of 36 level-1/2 under-triaged, 10 over. Misses unread. (On the rules before
# the batch, main 265a4f2: 77.5%, 3 under.)
TRIAGE_V22_EXACT_MIN = 0.75
TRIAGE_V22_UNDER_L12_MAX = 4
# Twenty-third triage set (frozen 1e5696d before the twenty-third batch; its writer opened nothing
# in the repository), first run only after that batch, 2026-12-05 at 2d4038b: 65/80 = 81.2%
# exact, 2 of 36 level-1/2 under-triaged, 8 over. Misses unread. (On the rules before the
# batch, main 39f301b, it reads the same.)
TRIAGE_V23_EXACT_MIN = 0.77
TRIAGE_V23_UNDER_L12_MAX = 3
# Twenty-fourth triage set (frozen 7a3dac1 before the twenty-fourth batch; its writer opened
# nothing in the repository), first run only after that batch, 2026-12-05 at 0c20164: 70/80 =
# 87.5% exact, 4 of 36 level-1/2 under-triaged, 4 over. Misses unread. (On the rules before the
# batch, main 7a3dac1: 86.2%, 4 under.)
TRIAGE_V24_EXACT_MIN = 0.83
TRIAGE_V24_UNDER_L12_MAX = 5
# Twenty-fifth triage set (frozen bbed180 before the twenty-fifth batch; its writer opened nothing
# in the repository), first run only after that batch, 2026-12-05 at a80d5c1: 68/80 = 85.0%
# exact, 2 of 36 level-1/2 under-triaged, 6 over. Misses unread. (On the rules before the batch,
# main f25e3b6, it reads the same.)
TRIAGE_V25_EXACT_MIN = 0.81
TRIAGE_V25_UNDER_L12_MAX = 3
# Twenty-sixth triage set (frozen 3a9511f before the twenty-sixth batch; its writer opened nothing
# in the repository), first run only after that batch, 2026-12-05 in s12a: 67/80 = 83.8% exact,
# 6 of 36 level-1/2 under-triaged, 3 over. Misses unread. (On the rules before the batch, main
# ccd49af, it reads the same.)
TRIAGE_V26_EXACT_MIN = 0.80
TRIAGE_V26_UNDER_L12_MAX = 7
# Twenty-seventh triage set (frozen 69524ae before the twenty-seventh batch; its writer opened
# nothing in the repository), first run only after that batch, 2026-12-05 in s12b: 70/80 = 87.5%
# exact, 2 of 36 level-1/2 under-triaged, 5 over. Misses unread. (On the rules before the batch,
# main 6839560, it reads the same.)
TRIAGE_V27_EXACT_MIN = 0.84
TRIAGE_V27_UNDER_L12_MAX = 3
# Twenty-eighth triage set (frozen 7860669 before the twenty-eighth batch; its writer opened
# nothing in the repository), first run only after that batch, 2026-12-05 in s12d: 76/80 = 95.0%
# exact, 0 of 36 level-1/2 under-triaged, 2 over. Misses unread. (On the rules before the batch,
# main 7860669, it reads the same.)
TRIAGE_V28_EXACT_MIN = 0.91
TRIAGE_V28_UNDER_L12_MAX = 1
# Twenty-ninth triage set (frozen 9a0ff53 before the twenty-ninth batch; its writer opened
# nothing in the repository), first run only after that batch, 2026-12-05 in s13a: 71/80 = 88.8%
# exact, 2 of 36 level-1/2 under-triaged, 7 over. Misses unread. (On the rules before the batch,
# main 9a0ff53: 70/80 = 87.5%, 2 under, 8 over.)
TRIAGE_V29_EXACT_MIN = 0.85
TRIAGE_V29_UNDER_L12_MAX = 3
# Thirtieth triage set (frozen e70056a before the thirtieth batch; its writer opened nothing in the
# repository, and listed the incoming folder's file names after writing), first run only after
# that batch, 2026-12-05 in s13b: 73/80 = 91.2% exact, 2 of 36 level-1/2 under-triaged, 3 over.
# Misses unread. (On the rules before the batch, main e70056a, it reads the same.)
TRIAGE_V30_EXACT_MIN = 0.88
TRIAGE_V30_UNDER_L12_MAX = 3
# Thirty-first triage set (frozen 8bcbd8c, on the branch of the thirty-first batch before any of
# its rules; its writer opened nothing in the repository), first run only after that batch,
# 2026-12-05 in s13c: 69/80 = 86.2% exact, 2 of 36 level-1/2 under-triaged, 6 over. Misses unread.
# (On the rules before the batch, main 85f7eec: 68/80 = 85.0%, 3 under, 6 over.)
TRIAGE_V31_EXACT_MIN = 0.83
TRIAGE_V31_UNDER_L12_MAX = 3
# Thirty-second triage set (frozen 7eb8b6a on main before the thirty-second batch; its writer
# opened nothing in the repository), 2026-12-05 in s14b: 71/80 = 88.8% exact, 2 of 36 level-1/2
# under-triaged, 5 over, after the batch and on the rules before it (main 35733a0) alike. Its
# aggregate was also printed once mid-batch by a script that globbed every held-out file (the
# same 71/80, 2 under); misses unread.
TRIAGE_V32_EXACT_MIN = 0.85
TRIAGE_V32_UNDER_L12_MAX = 3
# Thirty-third triage set (frozen ab22822, on the branch of the thirty-third batch before any of
# its rules; its writer opened nothing in the repository), first run only after that batch,
# 2026-12-05 in s14c: 71/80 = 88.8% exact, 0 of 36 level-1/2 under-triaged, 4 over; the same on
# the rules before the batch (main a032c43). Misses unread.
TRIAGE_V33_EXACT_MIN = 0.85
TRIAGE_V33_UNDER_L12_MAX = 2
# Thirty-fourth triage set (frozen a34675e, on the branch of the thirty-fourth batch before any of
# its rules; its writer opened nothing in the repository), first run only after that batch,
# 2026-12-05 in s14d: 70/80 = 87.5% exact, 4 of 36 level-1/2 under-triaged, 2 over; the same on
# the rules before the batch (main eb02cee). Misses unread.
TRIAGE_V34_EXACT_MIN = 0.84
TRIAGE_V34_UNDER_L12_MAX = 5
# Thirty-fifth triage set (frozen b6da31d, on the branch of the thirty-fifth batch before any of
# its rules; its writer opened nothing in the repository), first run only after that batch,
# 2026-12-05 in s14e: 72/80 = 90.0% exact, 4 of 36 level-1/2 under-triaged, 4 over. (On the rules
# before the batch, main 9a46b9b: 71/80 = 88.8%, 5 under.) Misses unread.
TRIAGE_V35_EXACT_MIN = 0.87
TRIAGE_V35_UNDER_L12_MAX = 5
# Thirty-sixth triage set (Qinling–Daba mountains of southern Shaanxi; frozen e049c47 on main
# before any rule of the thirty-sixth batch; its writer opened nothing in the repository), first
# run only after that batch, 2026-12-05 in s15b: 70/80 = 87.5% exact, 3 of 36 level-1/2
# under-triaged, 3 over. (On the rules before the batch, main efcaa7a: the same.) Misses unread.
TRIAGE_V36_EXACT_MIN = 0.85
TRIAGE_V36_UNDER_L12_MAX = 4
# Thirty-seventh triage set (Wuling mountains of western Hunan; frozen 039c2cf, the first commit
# of the thirty-seventh batch's branch, before any of its rules; its writer opened nothing in the
# repository), first run only after that batch, 2026-12-05 in s15c: 67/80 = 83.8% exact, 1 of 36
# level-1/2 under-triaged, 6 over. (On the rules before the batch, main 084c782: the same.)
# Misses unread.
TRIAGE_V37_EXACT_MIN = 0.82
TRIAGE_V37_UNDER_L12_MAX = 2
# Thirty-eighth triage set (Liaodong peninsula countryside; frozen 70dad4c, the first commit of
# the thirty-eighth batch's branch, before any of its rules; its writer opened nothing in the
# repository), first run only after that batch, 2026-12-05 in s15d: 70/80 = 87.5% exact, 2 of 36
# level-1/2 under-triaged, 4 over. (On the rules before the batch, main 895b745: the same.)
# Misses unread.
TRIAGE_V38_EXACT_MIN = 0.85
TRIAGE_V38_UNDER_L12_MAX = 3
# Thirty-ninth triage set (Hulunbuir grasslands and the Hinggan forest edge; frozen 7a076ab, the
# first commit of the thirty-ninth batch's branch, before any of its rules; its writer opened
# nothing in the repository), first run only after that batch, 2026-12-05 in s16b: 74/80 = 92.5%
# exact, 0 of 36 level-1/2 under-triaged, 4 over. (On the rules before the batch, main 6a85583:
# the same.) Misses unread.
TRIAGE_V39_EXACT_MIN = 0.90
TRIAGE_V39_UNDER_L12_MAX = 1
# Fortieth triage set (Dabie mountains of western Anhui; frozen 434b10e, the first commit of the
# fortieth batch's branch, before any of its rules; its writer opened nothing in the repository),
# first run only after that batch, 2026-12-05 in s16c: 73/80 = 91.2% exact, 0 of 36 level-1/2
# under-triaged, 5 over. (On the rules before the batch, main a1061e8: the same.) Misses unread.
TRIAGE_V40_EXACT_MIN = 0.88
TRIAGE_V40_UNDER_L12_MAX = 1
# Forty-first triage set (Leizhou peninsula / Zhanjiang coast; frozen 62d84ff, the first commit of
# the forty-first batch's branch, before any of its rules; its writer opened nothing in the
# repository), first run only after that batch, 2026-12-05 in s16d: 70/80 = 87.5% exact, 3 of 36
# level-1/2 under-triaged, 4 over. (On the rules before the batch, main 2abffa5: the same.)
# Misses unread.
TRIAGE_V41_EXACT_MIN = 0.85
TRIAGE_V41_UNDER_L12_MAX = 4
# Forty-second triage set (Dongting Lake, northern Hunan; frozen fe5779f, the first commit of the
# forty-second batch's branch, before any of its rules; its writer opened nothing in the
# repository), first run only after that batch, 2026-12-05 in s17a: 71/80 = 88.8% exact, 1 of 36
# level-1/2 under-triaged, 5 over. (On the rules before the batch, main 5075388: the same.)
# Misses unread.
TRIAGE_V42_EXACT_MIN = 0.86
TRIAGE_V42_UNDER_L12_MAX = 2
# Forty-third triage set (Hainan island; frozen ee08ddb, the first commit of the forty-third
# batch's branch, before any of its rules; its writer opened nothing in the repository), first run
# only after that batch, 2026-12-05 in s17b: 75/80 = 93.8% exact, 2 of 36 level-1/2
# under-triaged, 1 over. (On the rules before the batch, main 47e3ebb: the same.) Misses unread.
TRIAGE_V43_EXACT_MIN = 0.91
TRIAGE_V43_UNDER_L12_MAX = 3
# Forty-fourth triage set (eastern Tibetan plateau, Ganzi; frozen f1dc95b, the first commit of the
# forty-fourth batch's branch, before any of its rules; its writer opened nothing in the
# repository), first run only after that batch, 2026-12-05 in s17c: 67/80 = 83.8% exact, 1 of 36
# level-1/2 under-triaged, 7 over. (On the rules before the batch, main 88c4665: the same.)
# Misses unread.
TRIAGE_V44_EXACT_MIN = 0.81
TRIAGE_V44_UNDER_L12_MAX = 2
# v45 (south-west Fujian Hakka and Minnan hills), frozen 5c8efdf before the forty-fifth batch; first
# run after it (rules only): 96.2% exact, 1 of 36 L1/L2 under (the same on the rules before it)
TRIAGE_V45_EXACT_MIN = 0.93
TRIAGE_V45_UNDER_L12_MAX = 2
# v46 (southern Yunnan tea mountains), frozen 967c887 before the forty-sixth batch; first run after it
# (rules only): 95.0% exact, 0 of 36 L1/L2 under (the same on the rules before it)
TRIAGE_V46_EXACT_MIN = 0.92
TRIAGE_V46_UNDER_L12_MAX = 1
# v47 (northern Shaanxi loess hills), frozen 69179e7 before the forty-seventh batch; first run after
# it (rules only): 95.0% exact, 2 of 36 L1/L2 under (the same on the rules before it)
TRIAGE_V47_EXACT_MIN = 0.92
TRIAGE_V47_UNDER_L12_MAX = 3
# v48 (the red-soil hills of southern Jiangxi), frozen 3c88088 before the forty-eighth batch; first
# run after it (rules only): 90.0% exact, 3 of 37 L1/L2 under (the same on the rules before it)
TRIAGE_V48_EXACT_MIN = 0.875
TRIAGE_V48_UNDER_L12_MAX = 4
# v49 (the Huaibei plain of northern Anhui), frozen 513a5a1 before the forty-ninth batch; first run
# after it (rules only): 86.2% exact, 5 of 37 L1/L2 under (the same on the rules before it)
TRIAGE_V49_EXACT_MIN = 0.8375
TRIAGE_V49_UNDER_L12_MAX = 6
# v50 (the Taihang mountains of southern Shanxi / northern Henan), frozen 7a3a495 before the
# fiftieth batch; first run after it (rules only): 90.0% exact, 1 of 37 L1/L2 under (the same on
# the rules before it)
TRIAGE_V50_EXACT_MIN = 0.875
TRIAGE_V50_UNDER_L12_MAX = 2
# v51 (the Three Gorges / Wuling mountains of eastern Chongqing and western Hubei), frozen 6d17c46
# before the fifty-first batch; first run after it (rules only): 88.8% exact, 2 of 36 L1/L2 under
# (87.5 %, 2 on the rules before it)
TRIAGE_V51_EXACT_MIN = 0.8625
TRIAGE_V51_UNDER_L12_MAX = 3
# v52 (central and eastern Gansu / the Hexi corridor), frozen 7cdcc9d before the fifty-second
# batch; first run after it (rules only): 88.8% exact, 2 of 37 L1/L2 under (87.5 %, 3 on the rules
# before it)
TRIAGE_V52_EXACT_MIN = 0.8625
TRIAGE_V52_UNDER_L12_MAX = 3
# v53 (northern Xinjiang: the Ili valley, Tacheng and Changji), frozen 45dd275 before the
# fifty-third batch; first run after it (rules only): 91.2% exact, 2 of 36 L1/L2 under (the same,
# 91.2 % and 2, on the rules before it)
TRIAGE_V53_EXACT_MIN = 0.8875
TRIAGE_V53_UNDER_L12_MAX = 3
# v54 (the Chaoshan coast of eastern Guangdong), frozen b0d6a01 before the fifty-fourth batch; first
# run after it (rules only): 86.2% exact, 5 of 37 L1/L2 under (the same, 86.2 % and 5, on the rules
# before it)
TRIAGE_V54_EXACT_MIN = 0.8375
TRIAGE_V54_UNDER_L12_MAX = 6
# v55 (the Bashang plateau and Yanshan hills of northern Hebei), frozen 8e3ab6b before the
# fifty-fifth batch; first run after it (rules only): 85.0% exact, 3 of 36 L1/L2 under (the same,
# 85.0 % and 3, on the rules before it)
TRIAGE_V55_EXACT_MIN = 0.825
TRIAGE_V55_UNDER_L12_MAX = 4
# v56 (the Jianghan plain of central Hubei), frozen 86f4dfd before the fifty-sixth batch; first run
# after it (rules only): 87.5% exact, 3 of 37 L1/L2 under (87.5 % and 4 on the rules before it)
TRIAGE_V56_EXACT_MIN = 0.85
TRIAGE_V56_UNDER_L12_MAX = 4
#: triage floors by set: (exact-level minimum, most level-1/2 cases under-triaged); one row per
#: frozen set of ``report.TRIAGE_FILES``, from the constants above
TRIAGE_FLOORS: dict[str, tuple[float, int]] = {
    "triage": (TRIAGE_EXACT_MIN, TRIAGE_UNDER_L12_MAX),
    "triage-v2": (TRIAGE_V2_EXACT_MIN, TRIAGE_V2_UNDER_L12_MAX),
    "triage-v3": (TRIAGE_V3_EXACT_MIN, TRIAGE_V3_UNDER_L12_MAX),
    "triage-v4": (TRIAGE_V4_EXACT_MIN, TRIAGE_V4_UNDER_L12_MAX),
    "triage-v5": (TRIAGE_V5_EXACT_MIN, TRIAGE_V5_UNDER_L12_MAX),
    "triage-v6": (TRIAGE_V6_EXACT_MIN, TRIAGE_V6_UNDER_L12_MAX),
    "triage-v7": (TRIAGE_V7_EXACT_MIN, TRIAGE_V7_UNDER_L12_MAX),
    "triage-v8": (TRIAGE_V8_EXACT_MIN, TRIAGE_V8_UNDER_L12_MAX),
    "triage-v9": (TRIAGE_V9_EXACT_MIN, TRIAGE_V9_UNDER_L12_MAX),
    "triage-v10": (TRIAGE_V10_EXACT_MIN, TRIAGE_V10_UNDER_L12_MAX),
    "triage-v11": (TRIAGE_V11_EXACT_MIN, TRIAGE_V11_UNDER_L12_MAX),
    "triage-v12": (TRIAGE_V12_EXACT_MIN, TRIAGE_V12_UNDER_L12_MAX),
    "triage-v13": (TRIAGE_V13_EXACT_MIN, TRIAGE_V13_UNDER_L12_MAX),
    "triage-v14": (TRIAGE_V14_EXACT_MIN, TRIAGE_V14_UNDER_L12_MAX),
    "triage-v15": (TRIAGE_V15_EXACT_MIN, TRIAGE_V15_UNDER_L12_MAX),
    "triage-v16": (TRIAGE_V16_EXACT_MIN, TRIAGE_V16_UNDER_L12_MAX),
    "triage-v17": (TRIAGE_V17_EXACT_MIN, TRIAGE_V17_UNDER_L12_MAX),
    "triage-v18": (TRIAGE_V18_EXACT_MIN, TRIAGE_V18_UNDER_L12_MAX),
    "triage-v19": (TRIAGE_V19_EXACT_MIN, TRIAGE_V19_UNDER_L12_MAX),
    "triage-v20": (TRIAGE_V20_EXACT_MIN, TRIAGE_V20_UNDER_L12_MAX),
    "triage-v21": (TRIAGE_V21_EXACT_MIN, TRIAGE_V21_UNDER_L12_MAX),
    "triage-v22": (TRIAGE_V22_EXACT_MIN, TRIAGE_V22_UNDER_L12_MAX),
    "triage-v23": (TRIAGE_V23_EXACT_MIN, TRIAGE_V23_UNDER_L12_MAX),
    "triage-v24": (TRIAGE_V24_EXACT_MIN, TRIAGE_V24_UNDER_L12_MAX),
    "triage-v25": (TRIAGE_V25_EXACT_MIN, TRIAGE_V25_UNDER_L12_MAX),
    "triage-v26": (TRIAGE_V26_EXACT_MIN, TRIAGE_V26_UNDER_L12_MAX),
    "triage-v27": (TRIAGE_V27_EXACT_MIN, TRIAGE_V27_UNDER_L12_MAX),
    "triage-v28": (TRIAGE_V28_EXACT_MIN, TRIAGE_V28_UNDER_L12_MAX),
    "triage-v29": (TRIAGE_V29_EXACT_MIN, TRIAGE_V29_UNDER_L12_MAX),
    "triage-v30": (TRIAGE_V30_EXACT_MIN, TRIAGE_V30_UNDER_L12_MAX),
    "triage-v31": (TRIAGE_V31_EXACT_MIN, TRIAGE_V31_UNDER_L12_MAX),
    "triage-v32": (TRIAGE_V32_EXACT_MIN, TRIAGE_V32_UNDER_L12_MAX),
    "triage-v33": (TRIAGE_V33_EXACT_MIN, TRIAGE_V33_UNDER_L12_MAX),
    "triage-v34": (TRIAGE_V34_EXACT_MIN, TRIAGE_V34_UNDER_L12_MAX),
    "triage-v35": (TRIAGE_V35_EXACT_MIN, TRIAGE_V35_UNDER_L12_MAX),
    "triage-v36": (TRIAGE_V36_EXACT_MIN, TRIAGE_V36_UNDER_L12_MAX),
    "triage-v37": (TRIAGE_V37_EXACT_MIN, TRIAGE_V37_UNDER_L12_MAX),
    "triage-v38": (TRIAGE_V38_EXACT_MIN, TRIAGE_V38_UNDER_L12_MAX),
    "triage-v39": (TRIAGE_V39_EXACT_MIN, TRIAGE_V39_UNDER_L12_MAX),
    "triage-v40": (TRIAGE_V40_EXACT_MIN, TRIAGE_V40_UNDER_L12_MAX),
    "triage-v41": (TRIAGE_V41_EXACT_MIN, TRIAGE_V41_UNDER_L12_MAX),
    "triage-v42": (TRIAGE_V42_EXACT_MIN, TRIAGE_V42_UNDER_L12_MAX),
    "triage-v43": (TRIAGE_V43_EXACT_MIN, TRIAGE_V43_UNDER_L12_MAX),
    "triage-v44": (TRIAGE_V44_EXACT_MIN, TRIAGE_V44_UNDER_L12_MAX),
    "triage-v45": (TRIAGE_V45_EXACT_MIN, TRIAGE_V45_UNDER_L12_MAX),
    "triage-v46": (TRIAGE_V46_EXACT_MIN, TRIAGE_V46_UNDER_L12_MAX),
    "triage-v47": (TRIAGE_V47_EXACT_MIN, TRIAGE_V47_UNDER_L12_MAX),
    "triage-v48": (TRIAGE_V48_EXACT_MIN, TRIAGE_V48_UNDER_L12_MAX),
    "triage-v49": (TRIAGE_V49_EXACT_MIN, TRIAGE_V49_UNDER_L12_MAX),
    "triage-v50": (TRIAGE_V50_EXACT_MIN, TRIAGE_V50_UNDER_L12_MAX),
    "triage-v51": (TRIAGE_V51_EXACT_MIN, TRIAGE_V51_UNDER_L12_MAX),
    "triage-v52": (TRIAGE_V52_EXACT_MIN, TRIAGE_V52_UNDER_L12_MAX),
    "triage-v53": (TRIAGE_V53_EXACT_MIN, TRIAGE_V53_UNDER_L12_MAX),
    "triage-v54": (TRIAGE_V54_EXACT_MIN, TRIAGE_V54_UNDER_L12_MAX),
    "triage-v55": (TRIAGE_V55_EXACT_MIN, TRIAGE_V55_UNDER_L12_MAX),
    "triage-v56": (TRIAGE_V56_EXACT_MIN, TRIAGE_V56_UNDER_L12_MAX),
}
MEDS_RECALL_MIN = 0.90
MEDS_FALSE_MAJOR_MAX = 0
ADVISE_TOP3_MIN = 0.80
ADVISE_REFER_RECALL_MIN = 0.95
DICTATION_FIELDS_MIN = 0.90

SETS = {
    **{
        area: f"triage_heldout{'' if area == 'triage' else '_' + area.removeprefix('triage-')}.toml"
        for area in TRIAGE_FLOORS
    },
    "meds": "meds_heldout.toml",
    "advise": "advise_heldout.toml",
    "dictations": "dictations_heldout.json",
}
# files in the held-out folder that are not case sets
NOT_SETS = {"README.md"}
# frozen sets whose first run the lead has not made yet: no floor until that run sets one (run it
# with ``python -m tests.clinical_cases.heldout.report triage-v2``), then move it into SETS
AWAITING_FIRST_RUN: set[str] = set()


def _report_module() -> Any:
    if not (HELDOUT_DIR / "report.py").is_file():
        pytest.skip("no held-out sets yet (tests/clinical_cases/heldout/report.py and its sets)")
    from tests.clinical_cases.heldout import report

    return report


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[Any]:
    """The held-out report's CLI runner (in-process ``clinicbox … --json --no-llm``)."""
    report = _report_module()
    yield report.Runner(use_llm=False, use_subprocess=False)


def _run(area: str, func: Any, runner: Any) -> tuple[dict[str, Any], str]:
    if not (HELDOUT_DIR / SETS[area]).is_file():
        pytest.skip(f"no held-out {area} set yet (tests/clinical_cases/heldout/{SETS[area]})")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        numbers = func(runner, False)  # case ids only, never case texts
    errors = "".join(f"\n  error x{n}: {m}" for m, n in runner.errors.most_common(3))
    return numbers, printed.getvalue() + errors


def _check(area: str, rate: float, floor: float, detail: str, printed: str) -> None:
    print(f"held-out {area}: {rate:.1%} ({detail}); floor {floor:.0%}")
    assert rate >= floor, (
        f"held-out {area}: {rate:.1%} ({detail}) is below the floor {floor:.0%}.\n{printed}\n"
        "Report the number in docs/accuracy.md; fix the mechanism, never add a missed phrasing "
        "to a data file."
    )


def test_every_heldout_file_is_a_known_set() -> None:
    """A new set without a floor here would go unchecked."""
    known = set(SETS.values()) | NOT_SETS | AWAITING_FIRST_RUN
    files = [p for p in heldout_files() if p.parent == HELDOUT_DIR]
    unknown = [str(p.relative_to(ROOT)) for p in files if p.name not in known]
    assert not unknown, f"held-out files without a floor test: {unknown}"


@pytest.mark.parametrize(
    ("area", "exact_min", "under_max"), [(a, *floors) for a, floors in TRIAGE_FLOORS.items()]
)
def test_triage_exact_level_floor(runner: Any, area: str, exact_min: float, under_max: int) -> None:
    report = _report_module()
    assert report.TRIAGE_FILES[area] == SETS[area]
    func = partial(report.report_triage, filename=SETS[area])
    n, printed = _run(area, func, runner)
    detail = (
        f"{n['exact']}/{n['n']} exact, {n['under_triaged_l12']} level-1/2 cases under-triaged, "
        f"{n['errors']} errors"
    )
    _check(area, n["exact"] / n["n"], exact_min, detail, printed)
    assert n["under_triaged_l12"] <= under_max, detail + "\n" + printed


def test_meds_expected_problem_recall_floor(runner: Any) -> None:
    report = _report_module()
    n, printed = _run("meds", report.report_meds, runner)
    detail = (
        f"{n['found']}/{n['problems']} problems found; {n['false_major']} of {n['safe']} safe "
        f"prescriptions with a major alert; {n['errors']} errors"
    )
    _check("meds", n["found"] / n["problems"], MEDS_RECALL_MIN, detail, printed)
    assert n["false_major"] <= MEDS_FALSE_MAJOR_MAX, detail + "\n" + printed


def test_advise_top3_floor(runner: Any) -> None:
    report = _report_module()
    n, printed = _run("advise", report.report_advise, runner)
    detail = (
        f"{n['township_top3']}/{n['township_n']} township cases with the diagnosis in the top 3; "
        f"all cases {n['top3']}/{n['n']}; {n['errors']} errors"
    )
    _check("advise", n["township_top3"] / n["township_n"], ADVISE_TOP3_MIN, detail, printed)
    refer = n["refer_ok"] / n["refer_n"]
    assert refer >= ADVISE_REFER_RECALL_MIN, f"refer recall {refer:.1%}; {detail}\n{printed}"


def test_dictation_fields_floor(runner: Any) -> None:
    report = _report_module()
    if not (HELDOUT_DIR / SETS["dictations"]).is_file():
        pytest.skip("no held-out dictations yet")
    cases = json.loads((HELDOUT_DIR / SETS["dictations"]).read_text(encoding="utf-8"))
    right = total = 0
    misses = []
    for case in cases:
        _rc, record = runner.run(
            ["emr", "structure"], {"text": case["text"], "visit_type": case["visit_type"]}
        )
        ok, fields = report._score_fields(
            record if isinstance(record, dict) else {}, case["expect"]
        )
        right += ok
        total += fields
        if ok < fields:
            misses.append(f"{case['id']} {ok}/{fields}")
    detail = f"{right}/{total} fields right in {len(cases)} dictations (reference text)"
    printed = "misses: " + "; ".join(misses)
    _check("dictations", right / total, DICTATION_FIELDS_MIN, detail, printed)
