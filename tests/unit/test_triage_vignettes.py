"""Table-driven triage vignettes (tests/clinical_cases/*.toml, each with its reference).

Development sets: ``triage_vignettes.toml`` (the team's first set plus the 20 cases that were
called held-out but were tuned on, issue #22) and ``triage_criteria.toml`` (written from the ESI /
CTAS / 共识 criteria for issue #16). They are held to a per-set floor, not to every case: a rule
change that trades one case for another shows in the numbers, and the rules' own firing and
non-firing is tested per rule in test_triage_rules.py. Per case, only the safety invariant
holds: a level-1/2 case is never under-triaged. The independent held-out set is measured
outside (tests/clinical_cases/heldout/, not read by the rules' author).
"""

from __future__ import annotations

import pytest

from tests.clinical_cases.accuracy import load, triage_case, triage_report

SETS = ("triage_vignettes.toml", "triage_criteria.toml")
#: floors below today's development numbers (100% / 99.3%, docs/accuracy.md), with room for a
#: deliberate trade-off; under-triage of level 1/2 stays at zero.
FLOORS = {"triage_vignettes.toml": 0.95, "triage_criteria.toml": 0.95}
CASES = [c for name in SETS for c in load(name)]


def test_development_sets_are_large_enough_and_cite_references():
    assert len(load("triage_vignettes.toml")) >= 80
    assert len(load("triage_criteria.toml")) >= 430
    assert all(c["ref"] for c in CASES)
    levels = {c["level"] for c in load("triage_criteria.toml")}
    assert levels == {1, 2, 3, 4}


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c["level"] <= 2],
    ids=[f"{c['id']}[{c['ref'].split()[0]}]" for c in CASES if c["level"] <= 2],
)
def test_emergencies_are_never_under_triaged(case):
    out = triage_case(case)
    assert out["level"] <= case["level"], f"under-triage: {out['level']} > {case['level']}"


@pytest.mark.parametrize("name", SETS)
def test_accuracy_floor_per_set(name):
    report = triage_report(name=name)
    assert report["accuracy"] >= FLOORS[name], report["misses"]
    assert report["under_triage_l12"] == 0, report["misses"]


def test_self_care_and_routine_dispositions_on_the_criteria_set():
    cases = [c for c in load("triage_criteria.toml") if "disposition" in c]
    agree = sum(triage_case(c)["disposition"] == c["disposition"] for c in cases)
    assert len(cases) >= 6 and agree == len(cases)


#: Development sets written OUTSIDE the rules (``triage_outside_dev*.toml``): 80 cases each, by
#: helpers who read neither the rules nor the other sets. Each was run once as written (first run:
#: exact level / level-1/2 cases under-triaged), then its misses were read for the batch named and
#: the mechanisms fixed; it holds a floor a few cases under its number after that batch, with no
#: level-1/2 case under-triaged unless its row allows one (docs/accuracy.md has every run).
#: (file, exact-level minimum, most level-1/2 cases under-triaged)
OUTSIDE_SETS: list[tuple[str, float, int]] = [
    # sixth batch, first run 62.5% / 11: serious conditions in lay words
    ("triage_outside_dev.toml", 0.84, 0),
    # sixth batch, first run 71.2% / 9: the CTAS complaint list
    ("triage_outside_dev2.toml", 0.84, 0),
    # seventh batch, first run 82.5% / 2: level 3 v 4 (resources), hidden 1/2
    ("triage_outside_dev3.toml", 0.9, 0),
    # eighth batch, first run 67.5% / 9: children, older adults, pregnancy, mental health
    ("triage_outside_dev4.toml", 0.88, 0),
    # ninth batch, first run 80.0% / 3: adults in lay words (chest pain, stroke …)
    ("triage_outside_dev5.toml", 0.85, 0),
    # tenth batch, first run 67.5% / 7: children, pregnancy, older adults via carers
    ("triage_outside_dev6.toml", 0.88, 0),
    # tenth batch, first run 68.8% / 6: township injuries, poisonings, crises
    ("triage_outside_dev7.toml", 0.85, 0),
    # eleventh batch, first run 83.8% / 2: chronic disease, alarming-word level-4 visits
    ("triage_outside_dev8.toml", 0.92, 0),
    # eleventh batch, first run 77.5% / 6: children, women's health, dialect, WeChat
    ("triage_outside_dev9.toml", 0.9, 0),
    # twelfth batch, first run 67.5% / 11: dangers only in lay words, near pairs
    ("triage_outside_dev10.toml", 0.88, 0),
    # twelfth batch, first run 72.5% / 1: the 3/4 and 2/3 boundaries (its Minnan ectopic, read as
    # 3 after the twelfth batch, is 2 since the thirteenth's near rule reaches the next clause)
    ("triage_outside_dev11.toml", 0.86, 0),
    # thirteenth batch, first run 80.0% / 5: atypical emergencies, older adults, chronic disease
    ("triage_outside_dev12.toml", 0.9, 0),
    # thirteenth batch, first run 73.8% / 5: township and farm injuries, poisonings, exposures
    ("triage_outside_dev13.toml", 0.88, 0),
    # fourteenth batch, first run 90.0% / 2: the level 1/2 and 2/3 boundaries (one asthma told
    # as "说半句" — GINA's phrases, moderate — stays 3 where its writer gives 2)
    ("triage_outside_dev14.toml", 0.92, 1),
    # fourteenth batch, first run 70.0% / 12: level 3 v 4 by resources across the specialties
    ("triage_outside_dev15.toml", 0.88, 0),
    # fifteenth batch, first run 85.0% / 4: English and mixed Chinese-English shorthand
    ("triage_outside_dev16.toml", 0.92, 0),
    # fifteenth batch, first run 78.8% / 8: over-75s and rural poisonings (a late-onset
    # mushroom poisoning and a CO exposure told only as "slept next door" stay under)
    ("triage_outside_dev17.toml", 0.88, 2),
    # sixteenth batch, first run 78.8% / 3: children and pregnancy (an infant in shock told by
    # mottling, cold hands and "不咋个理人" stays 2)
    ("triage_outside_dev18.toml", 0.82, 1),
    # sixteenth batch, first run 88.8% / 3: working-age adults told vaguely or indirectly
    ("triage_outside_dev19.toml", 0.9, 0),
    # seventeenth batch, first run 75.0% / 6: emergencies told only by what is seen or heard
    ("triage_outside_dev20.toml", 0.82, 0),
    # seventeenth batch, first run 86.2% / 2: teaching vignettes as township notes
    ("triage_outside_dev21.toml", 0.86, 0),
    # eighteenth batch, first run 76.2% / 10: level 2 decided by history, mechanism or context
    ("triage_outside_dev22.toml", 0.85, 0),
    # eighteenth batch, first run 91.2% / 5: one-line registration-desk notes
    ("triage_outside_dev23.toml", 0.92, 0),
    # nineteenth batch, first run 82.5% / 7: ESI decision point A versus B (a recovered
    # sulfonylurea hypoglycaemia and an older woman's febrile UTI with SIRS stay 3 for 2)
    ("triage_outside_dev24.toml", 0.85, 2),
    # nineteenth batch, first run 87.5% / 1: level 3 versus 4 by resources
    ("triage_outside_dev25.toml", 0.85, 0),
    # twentieth batch, first run 60.0% / 8: breathing in lay words (a croup child at SpO2 88
    # gone quiet and a Guillain-Barré weakness told by breath stay 2 and 3)
    ("triage_outside_dev26.toml", 0.76, 2),
    # twentieth batch, first run 85.0% / 3: south-western and southern wording (Cantonese
    # delirium and a mottled infant at SpO2 90 stay under)
    ("triage_outside_dev27.toml", 0.85, 2),
    # twentieth batch, first run 77.5% / 4: level 2 by history and context
    ("triage_outside_dev28.toml", 0.81, 0),
    # twenty-first batch, first run 76.2% / 5: level 2 against 3 in near-pairs by organ system
    ("triage_outside_dev29.toml", 0.8, 1),
    # twenty-first batch, first run 80.0% / 5: children 1-12 through their parents
    ("triage_outside_dev30.toml", 0.83, 1),
    # twenty-first batch, first run 63.8% / 11: work and road injuries (level 3 by resources for
    # wounds, retained objects and small fractures is often still read as 4)
    ("triage_outside_dev31.toml", 0.76, 1),
    # twenty-second batch, first run 66.2% / 3: stable injuries, level 3 against 4 by resources
    # (most of its level-3 wounds, dislocations and retained objects are still read as 4)
    ("triage_outside_dev32.toml", 0.67, 2),
    # twenty-second batch, first run 86.2% / 6: older adults presenting vaguely
    ("triage_outside_dev33.toml", 0.9, 2),
    # twenty-second batch, first run 68.8% / 6: environmental and toxic emergencies (herbicide
    # ingestion stays 1 by the team's criteria set; its writer gives 2 or 3)
    ("triage_outside_dev34.toml", 0.74, 1),
    # twenty-third batch, first run 86.2% / 1: over-triage traps, level 1 against 2
    ("triage_outside_dev35.toml", 0.87, 0),
    # twenty-third batch, first run 67.5% / 8: mental health, intoxication, violence and abuse
    # told indirectly (a drug-facilitated assault, an infant's injury with two stories and a
    # command hallucination told as 叫他把他妈杀了 stay under)
    ("triage_outside_dev36.toml", 0.73, 3),
    # twenty-third batch, first run 81.2% / 5: women's and men's health
    ("triage_outside_dev37.toml", 0.86, 0),
    # twenty-fourth batch, first run 87.5% / 1: level 1 against 2 (ESI decision point A)
    ("triage_outside_dev38.toml", 0.90, 0),
    # twenty-fourth batch, first run 75.0% / 5: ordinary injuries, level 3 against 4 (a hip
    # dislocation after a dashboard blow and a child's peanut aspiration with a wheeze stay under)
    ("triage_outside_dev39.toml", 0.88, 2),
    # twenty-fourth batch, first run 83.8% / 1: vital signs in mixed notation
    ("triage_outside_dev40.toml", 0.86, 1),
    # twenty-fifth batch, first run 90.0% / 3: emergencies that sound mild
    ("triage_outside_dev41.toml", 0.93, 0),
    # twenty-fifth batch, first run 80.0% / 3: babies and toddlers under two
    ("triage_outside_dev42.toml", 0.82, 1),
    # twenty-fifth batch, first run 91.2% / 0: the non-urgent end of a clinic day
    ("triage_outside_dev43.toml", 0.90, 0),
    # twenty-sixth batch, first run 76.2% / 4: long-standing illnesses (a potassium of 6.8 phoned
    # in, a fever on steroids with sepsis-range vitals and a syncope after palpitations with a
    # slow pulse stay under)
    ("triage_outside_dev44.toml", 0.86, 3),
    # twenty-sixth batch, first run 88.8% / 1: level 2 against level 3
    ("triage_outside_dev45.toml", 0.88, 0),
    # twenty-sixth batch, first run 85.0% / 3: school-age children and teenagers
    ("triage_outside_dev46.toml", 0.85, 2),
    # twenty-seventh batch, first run 83.8% / 1: notes that carry lab numbers
    ("triage_outside_dev47.toml", 0.92, 0),
    # twenty-seventh batch, first run 86.2% / 1: acute pain in adults (an incarcerated groin
    # hernia at pain 8 stays under)
    ("triage_outside_dev48.toml", 0.86, 1),
    # twenty-seventh batch, first run 85.0% / 5: fever and infection at every age (dengue warning
    # signs stay under)
    ("triage_outside_dev49.toml", 0.88, 2),
    # twenty-eighth batch, first run 76.2% / 5: injuries by mechanism (a heel after a ladder fall,
    # an elderly hip after an e-bike fall and a child's elbow after a fall from a tree stay under)
    ("triage_outside_dev50.toml", 0.82, 1),
    # twenty-eighth batch, first run 76.2% / 5: trouble breathing at every age
    ("triage_outside_dev51.toml", 0.80, 1),
    # twenty-eighth batch, first run 81.2% / 2: heads and nerves
    ("triage_outside_dev52.toml", 0.82, 1),
    # twenty-ninth batch, first run 75.0% / 10: bones, joints and muscles (a posterior hip
    # dislocation and a rhabdomyolysis with severe pain stay under)
    ("triage_outside_dev53.toml", 0.92, 2),
    # twenty-ninth batch, first run 67.5% / 3 (19 over): seizures, faints and changed consciousness
    ("triage_outside_dev54.toml", 0.79, 1),
    # twenty-ninth batch, first run 87.5% / 6: belly, bowel and urine
    ("triage_outside_dev55.toml", 0.92, 2),
    # thirtieth batch, first run 83.8% / 4: problems with medicines
    ("triage_outside_dev56.toml", 0.91, 1),
    # thirtieth batch, first run 81.2% / 6: skin, eyes, ears, nose, throat and teeth
    ("triage_outside_dev57.toml", 0.92, 1),
    # thirtieth batch, first run 68.8% / 3 (20 over): heart, blood pressure and chest (16 still over:
    # chest pain in young adults, palpitations alone, a stable heart failure told by 憋醒)
    ("triage_outside_dev58.toml", 0.73, 2),
    # thirty-first batch, first run 72.5% / 6: pregnancy, childbirth and the newborn month
    ("triage_outside_dev59.toml", 0.82, 1),
    # thirty-first batch, first run 73.8% / 7: diabetes, thyroid, blood and body chemistry
    ("triage_outside_dev60.toml", 0.76, 3),
    # thirty-first batch, first run 83.8% / 4: children hurt or poisoned
    ("triage_outside_dev61.toml", 0.87, 1),
    # thirty-second batch, first run 88.8% / 4: breathing, cough and fever
    ("triage_outside_dev62.toml", 0.95, 0),
    # thirty-second batch, first run 73.8% / 6: headache, dizziness, weakness and the nerves
    ("triage_outside_dev63.toml", 0.86, 0),
    # thirty-second batch, first run 73.8% / 7: mind, mood and behaviour
    ("triage_outside_dev64.toml", 0.89, 0),
    # thirty-third batch, first run 86.2% / 4: infections across all ages
    ("triage_outside_dev65.toml", 0.92, 0),
    # thirty-third batch, first run 83.8% / 3: older people over 75 (one hip fracture with pain 8
    # left at 3: another writer's hip fracture with pain 7 says 3, this one 2)
    ("triage_outside_dev66.toml", 0.88, 1),
    # thirty-third batch, first run 76.2% / 6: pain graded as CTAS does it (8 still over: ear and
    # throat pains of 4 read as central, pain 7 read as severe)
    ("triage_outside_dev67.toml", 0.85, 0),
    # thirty-fourth batch, first run 80.0% / 3: poisonings and exposures
    ("triage_outside_dev68.toml", 0.82, 0),
    # thirty-fourth batch, first run 71.2% / 4 (16 under in all): babies in their first year
    ("triage_outside_dev69.toml", 0.83, 0),
    # thirty-fourth batch, first run 93.8% / 0: the level 3 against level 4 boundary by resources
    ("triage_outside_dev70.toml", 0.93, 0),
    # thirty-fifth batch, first run 77.5% / 2 (9 over): chest pain, palpitations, breathlessness
    # under 50
    ("triage_outside_dev71.toml", 0.77, 0),
    # thirty-fifth batch, first run 72.5% / 7: women's health (one child's suspected abuse still
    # read 4: a genital bleed and fear told without an abuse word)
    ("triage_outside_dev72.toml", 0.78, 1),
    # thirty-sixth batch, first run 88.8% / 3: a coal and coking county of Shanxi
    ("triage_outside_dev73.toml", 0.93, 0),
    # thirty-sixth batch, first run 78.8% / 6: emergencies told in everyday words (32 level 2)
    ("triage_outside_dev74.toml", 0.85, 0),
    # thirty-sixth batch, first run 91.2% / 2: the deciding detail not told first
    ("triage_outside_dev75.toml", 0.97, 0),
    # thirty-seventh batch, first run 96.2% / 1: an oasis county of southern Xinjiang
    ("triage_outside_dev76.toml", 0.96, 0),
    # thirty-seventh batch, first run 87.5% / 4: children at the level 1-3 boundaries (46 L1/L2)
    ("triage_outside_dev77.toml", 0.92, 1),
    # thirty-seventh batch, first run 81.2% / 6: injuries in adults (46 L1/L2)
    ("triage_outside_dev78.toml", 0.91, 0),
    # thirty-eighth batch, first run 91.2% / 2: the Chaoshan and Hakka hills of eastern Guangdong
    ("triage_outside_dev79.toml", 0.95, 0),
    # thirty-eighth batch, first run 88.8% / 3: adults of 65 to 95 told plainly
    ("triage_outside_dev80.toml", 0.88, 2),
    # thirty-eighth batch, first run 86.2% / 3: a winter on the North China plain
    ("triage_outside_dev81.toml", 0.90, 0),
    # thirty-ninth batch, first run 98.8% / 0: the Hexi corridor of Gansu (40 L1/L2)
    ("triage_outside_dev82.toml", 0.98, 0),
    # thirty-ninth batch, first run 85.0% / 4: women of 15 to 48 and their babies
    ("triage_outside_dev83.toml", 0.92, 1),
    # thirty-ninth batch, first run 93.8% / 0: vital signs told every way
    ("triage_outside_dev84.toml", 0.95, 0),
    # fortieth batch, first run 92.5% / 2: the Guizhou karst plateau
    ("triage_outside_dev85.toml", 0.96, 0),
    # fortieth batch, first run 83.8% / 2: adults living with a long-term illness
    ("triage_outside_dev86.toml", 0.91, 0),
    # fortieth batch, first run 85.0% / 2: the night shift
    ("triage_outside_dev87.toml", 0.90, 0),
    # forty-first batch, first run 91.2% / 1: the Loess Plateau
    ("triage_outside_dev88.toml", 0.92, 0),
    # forty-first batch, first run 81.2% / 2: school-age children and teenagers
    ("triage_outside_dev89.toml", 0.83, 0),
    # forty-first batch, first run 88.8% / 3: emergencies told in English or mixed
    ("triage_outside_dev90.toml", 0.93, 0),
    # forty-second batch, first run 86.2% / 1: the elderly over 75 told by their carers
    ("triage_outside_dev91.toml", 0.95, 0),
    # forty-second batch, first run 78.8% / 7: injuries of rural work and daily life
    ("triage_outside_dev92.toml", 0.91, 0),
    # forty-second batch, first run 82.5% / 4: Pearl River Delta factory towns, in Cantonese
    ("triage_outside_dev93.toml", 0.92, 1),
    # forty-third batch, first run 72.5% / 5: infants and toddlers under three
    ("triage_outside_dev94.toml", 0.80, 1),
    # forty-third batch, first run 72.5% / 2: chest pain, breathlessness and palpitations
    ("triage_outside_dev95.toml", 0.82, 1),
    # forty-third batch, first run 76.2% / 2: poisonings and the environment in the countryside
    ("triage_outside_dev96.toml", 0.80, 0),
    # forty-fourth batch, first run 77.5% / 5: mental health and behaviour
    ("triage_outside_dev97.toml", 0.83, 0),
    # forty-fourth batch, first run 87.5% / 1: abdominal pain of every kind
    ("triage_outside_dev98.toml", 0.90, 0),
    # forty-fifth batch, first run 81.2% / 6 (report mode): pregnancy and women's health
    ("triage_outside_dev99.toml", 0.90, 2),
    # forty-fifth batch, first run 80.0% / 5: school-age children and teenagers
    ("triage_outside_dev100.toml", 0.86, 1),
    # forty-fifth batch, first run 76.2% / 4: the nervous system and dizziness (0.83 after the
    # batch, 0.825 since the hook's read: "别的抗凝药没吃" is no longer denied, because a missed dose
    # of insulin must keep its reading; that case is one level over, not under)
    ("triage_outside_dev101.toml", 0.82, 2),
    # forty-sixth batch, first run 72.5% / 8 (report mode): wounds, burns and injuries
    ("triage_outside_dev102.toml", 0.82, 4),
    # forty-sixth batch, first run 88.8% / 3: older adults with long-standing illness
    ("triage_outside_dev103.toml", 0.93, 1),
    # forty-sixth batch, first run 95.0% / 2: fever and infection at every age
    ("triage_outside_dev104.toml", 0.96, 1),
    # forty-seventh batch, first run 77.5% / 1 (report mode): breathing problems at every age
    ("triage_outside_dev105.toml", 0.81, 1),
    # forty-seventh batch, first run 96.2% / 0: triage-desk shorthand
    ("triage_outside_dev106.toml", 0.97, 0),
    # forty-seventh batch, first run 96.2% / 1: the minor end (44 level-4 cases)
    ("triage_outside_dev107.toml", 0.97, 0),
    # forty-eighth batch, first run 83.8% / 5: limbs and circulation
    ("triage_outside_dev108.toml", 0.94, 0),
    # forty-eighth batch, first run 87.5% / 3: near pairs across the body systems
    ("triage_outside_dev109.toml", 0.9, 0),
    # forty-eighth batch, first run 76.2% / 6: babies and toddlers under three (a toddler's
    # dehydration with "精神头比平时差" stays 3 for the writer's 2)
    ("triage_outside_dev110.toml", 0.87, 1),
    # forty-ninth batch, first run 81.2% / 2: eye, ear, nose, throat, mouth and face
    ("triage_outside_dev111.toml", 0.9, 0),
    # forty-ninth batch, first run 83.8% / 5: kidneys, urinary tract, male genitals and skin
    ("triage_outside_dev112.toml", 0.9, 1),
    # forty-ninth batch, first run 81.2% / 4: sugar, salt, heat and cold, the vague elder (a
    # treated sulfonylurea hypoglycaemia stays 3 for this writer's 2)
    ("triage_outside_dev113.toml", 0.88, 2),
    # fiftieth batch, first run 78.8% / 3: preschool children 3–6 (a simple febrile seizure back
    # to normal stays 2 for the writer's 3)
    ("triage_outside_dev114.toml", 0.86, 2),
    # fiftieth batch, first run 87.5% / 1: two or three problems in one visit
    ("triage_outside_dev115.toml", 0.9, 1),
    # fiftieth batch, first run 82.5% / 4: women's health outside pregnancy and after it
    ("triage_outside_dev116.toml", 0.82, 2),
    # fifty-first batch, first run 86.2% / 1: understated emergencies in older and chronically ill
    # patients
    ("triage_outside_dev117.toml", 0.9, 1),
    # fifty-first batch, first run 80.0% / 4: school-age children and teenagers
    ("triage_outside_dev118.toml", 0.93, 1),
    # fifty-first batch, first run 81.2% / 6: Pearl River Delta workshops and building sites (a
    # hydrofluoric-acid burn told as "药水" stays 3 for the writer's 2)
    ("triage_outside_dev119.toml", 0.93, 2),
    # fifty-second batch, first run 86.2% / 4: summer on the North China plain
    ("triage_outside_dev120.toml", 0.9, 2),
    # fifty-second batch, first run 88.8% / 0: chronic illness cared for at home
    ("triage_outside_dev121.toml", 0.88, 1),
    # fifty-second batch, first run 67.5% / 10 (70.0% / 8 with the pregnancy flag): pregnancy,
    # birth and the first three months
    ("triage_outside_dev122.toml", 0.85, 1),
    # fifty-third batch, first run 78.8% / 3: chest, heart, stroke, fainting and headache in adults
    ("triage_outside_dev123.toml", 0.85, 1),
    # fifty-third batch, first run 80.0% / 3: babies and children under six
    ("triage_outside_dev124.toml", 0.9, 1),
    # fifty-third batch, first run 83.8% / 3: mental health, intoxication and violence
    ("triage_outside_dev125.toml", 0.925, 1),
    # fifty-fourth batch, first run 93.8% / 1: belly, bowel, vomiting, bleeding and urinary problems
    ("triage_outside_dev126.toml", 0.95, 1),
    # fifty-fourth batch, first run 87.5% / 3: fever and infection in adults and older people
    ("triage_outside_dev127.toml", 0.925, 1),
    # fifty-fourth batch, first run 83.8% / 5: eye, ear, nose, throat, mouth, teeth and skin
    ("triage_outside_dev128.toml", 0.9, 1),
    # fifty-fifth batch, first run 86.2% / 2: breathing and chest infections at every age
    ("triage_outside_dev129.toml", 0.9, 1),
    # fifty-fifth batch, first run 80.0% / 4: people over 70 brought by relatives
    ("triage_outside_dev130.toml", 0.9, 1),
    # fifty-fifth batch, first run 76.2% / 9: pregnancy, birth, the weeks after, women's health
    ("triage_outside_dev131.toml", 0.8875, 1),
    # fifty-sixth batch, first run 83.8% / 5: injuries at every age (after it 87.5 % / 3: a small
    # knife wound by the navel, a hip fracture and a face burned by oil stay one level under)
    ("triage_outside_dev132.toml", 0.85, 3),
    # fifty-sixth batch, first run 78.8% / 3: headache, fits, numbness, weakness and confusion
    ("triage_outside_dev133.toml", 0.8125, 1),
    # fifty-sixth batch, first run 68.8% / 5: poisonings, bites and the environment
    ("triage_outside_dev134.toml", 0.775, 1),
]


@pytest.mark.parametrize(("name", "exact_min", "under_max"), OUTSIDE_SETS)
def test_each_set_written_outside_the_rules_holds_its_floor(name, exact_min, under_max):
    report = triage_report(name=name)
    assert report["cases"] == 80
    assert report["accuracy"] >= exact_min, report["misses"]
    assert report["under_triage_l12"] <= under_max, report["misses"]
