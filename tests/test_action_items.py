"""Tests for sitrep.text.postmortem: H2 sections and action items of postmortems."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from sitrep.text.postmortem import (
    REQUIRED_FOR_PUBLISHED,
    SECTION_NAMES,
    ActionItem,
    Section,
    TextProblem,
    parse_action_items,
    parse_sections,
    section_key,
)

# --------------------------------------------------------------------------- helpers


def action_section(body: str, line: int = 10) -> Section:
    """An action-items section whose heading is on ``line`` (body starts on line + 1)."""
    return Section(title="Action Items", key="action_items", line=line, body=body)


def parse(body: str, line: int = 10) -> tuple[list[ActionItem], list[TextProblem]]:
    return parse_action_items(action_section(body, line))


def codes(problems: list[TextProblem]) -> list[tuple[int, str]]:
    return [(p.line, p.code) for p in problems]


# --------------------------------------------------------------------------- seed templates
# Copied from the postmortem templates in the seed documents (001-004).  The
# seed file 003 shows its emoji as mojibake; the real emoji are used here and
# the mojibake form is tested separately.

SEED_001 = """\
# Incident Post-Mortem: [Title]

## Summary
[1-2 sentence summary]

## Impact
- Duration: [X hours/minutes]
- Users affected: [Number/percentage]
- Revenue impact: [If applicable]

## Timeline
- [Time] - [Event]
- [Time] - [Event]
...

## Root Cause
[Detailed explanation]

## Resolution
[What fixed the issue]

## Action Items
- [ ] [Action] - Owner - Due Date
- [ ] [Action] - Owner - Due Date

## Lessons Learned
[What we learned]
"""

SEED_002 = """\
# Incident Postmortem: [Title]

**Date**: [Date]
**Duration**: [X hours Y minutes]
**Severity**: SEV[1/2]
**Author**: [Name]

## Summary
[2-3 sentence summary of what happened]

## Impact
- Users affected: [Number or percentage]
- Duration of impact: [Time]
- Revenue impact: [If applicable]

## Timeline (all times UTC)
- HH:MM - [Event]
- HH:MM - [Event]
- HH:MM - [Event]

## Root Cause
[Technical explanation of what caused the incident]

## Resolution
[What was done to fix the issue]

## What Went Well
- [Thing that worked]
- [Thing that worked]

## What Could Be Improved
- [Thing to improve]
- [Thing to improve]

## Action Items
| Action | Owner | Due Date | Status |
|--------|-------|----------|--------|
| [Action] | @name | [Date] | Open |
| [Action] | @name | [Date] | Open |

## Lessons Learned
[Key takeaways for the team]
"""

SEED_003 = """\
# Post-Mortem: [Incident Title]

## Metadata
- **Date**: 2024-02-13
- **Severity**: P0
- **Duration**: 2 hours 30 minutes
- **Incident Commander**: @name
- **Attendees**: [@name1, @name2, @name3]

## Summary
[2-3 sentence summary of what happened]

## Timeline
| Time  | Event |
|-------|-------|
| 14:30 | First alert: High error rate |
| 14:33 | On-call paged |
| 14:35 | Incident declared (P0) |
| 14:45 | Root cause identified: N+1 query |
| 15:00 | Fix developed and reviewed |
| 15:20 | Fix deployed to production |
| 15:30 | Metrics returned to normal |
| 16:00 | Incident closed |

## Impact
- **Users Affected**: ~10,000 (15% of active users)
- **Duration**: 2.5 hours
- **Revenue Impact**: Estimated $X lost transactions
- **Customer Complaints**: 47 support tickets

## Root Cause
[Detailed technical explanation]

The new user profile feature introduced an N+1 query problem. For each
user request, the system was making 1 query to fetch the user plus N
additional queries to fetch related data, exhausting the database
connection pool.

**Why wasn't this caught?**
- Test database had minimal data (N was small)
- Load testing skipped this endpoint
- Code review didn't catch the pattern

## Resolution
[What we did to fix it]

Optimized query to use JOIN instead of sequential queries. Reduced
database calls from O(n) to O(1).

## Detection
[How we found out]

Automated alert: Database connection pool >90% full
User reports started arriving shortly after

**Detection Timeline**:
- Incident started: 14:25 (estimate)
- First alert: 14:30
- Incident declared: 14:35

**Mean Time to Detect (MTTD)**: 5 minutes \u2705

## What Went Well
- \u2705 Fast detection via automated monitoring
- \u2705 Clear incident declaration and role assignment
- \u2705 Quick root cause identification (15 min)
- \u2705 Good communication with stakeholders
- \u2705 Effective hotfix process

## What Could Improve
- \u26a0 Load testing didn't cover this endpoint
- \u26a0 Code review could be more thorough for query patterns
- \u26a0 Database monitoring could be more granular

## Action Items
- [ ] (@owner, Due: YYYY-MM-DD) Add load test for profile endpoint
- [ ] (@owner, Due: YYYY-MM-DD) Create code review checklist for query optimization
- [ ] (@owner, Due: YYYY-MM-DD) Implement query performance monitoring
- [ ] (@owner, Due: YYYY-MM-DD) Add database connection pool alerts at 75%
- [ ] (@owner, Due: YYYY-MM-DD) Update runbook with this scenario

## Supporting Documents
- Incident Channel: #incident-2024-02-13-profile-slowdown
- Hotfix PR: #1234
- Monitoring Dashboard: [link]
- Status Page Updates: [link]
"""

SEED_004 = """\
# Incident Report: [Title]

## Summary
- **Date**: [Date]
- **Severity**: P0/P1/P2/P3
- **Duration**: [Start] - [End]
- **Affected Services**: [List]
- **Users Affected**: [Number/Percentage]

## Timeline
- [Time] - Incident detected
- [Time] - Team notified
- [Time] - Investigation started
- [Time] - Root cause identified
- [Time] - Fix deployed
- [Time] - Incident resolved

## Root Cause
[Detailed explanation of root cause]

## Impact
- **User Impact**: [Description]
- **Business Impact**: [Description]
- **Data Impact**: [Description]

## Resolution
[Steps taken to resolve]

## Lessons Learned
- [What went well]
- [What could be improved]
- [What to do differently]

## Action Items
- [ ] [Action item 1] - Owner: [Name] - Due: [Date]
- [ ] [Action item 2] - Owner: [Name] - Due: [Date]
"""


def _action_items_of(text: str) -> Section:
    return next(s for s in parse_sections(text, 1) if s.key == "action_items")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            SEED_001,
            ["summary", "impact", "timeline", "root_cause", "resolution", "action_items",
             "lessons_learned"],
        ),
        (
            SEED_002,
            ["summary", "impact", "timeline", "root_cause", "resolution", "what_went_well",
             "what_could_be_improved", "action_items", "lessons_learned"],
        ),
        (
            SEED_003,
            [None, "summary", "timeline", "impact", "root_cause", "resolution", "detection",
             "what_went_well", "what_could_be_improved", "action_items", None],
        ),
        (
            SEED_004,
            ["summary", "timeline", "root_cause", "impact", "resolution", "lessons_learned",
             "action_items"],
        ),
    ],
    ids=["seed-001", "seed-002", "seed-003", "seed-004"],
)
def test_seed_templates_every_section_recognised(text: str, expected: list[str | None]) -> None:
    sections = parse_sections(text, 1)
    assert [s.key for s in sections] == expected
    # Only the two sections outside the canonical set stay unrecognised.
    assert {s.title for s in sections if s.key is None} <= {"Metadata", "Supporting Documents"}
    # Heading lines are file lines and point at the heading.
    lines = text.splitlines()
    for s in sections:
        assert lines[s.line - 1].startswith("## ")
        assert lines[s.line - 1][3:] == s.title


@pytest.mark.parametrize("text", [SEED_001, SEED_002, SEED_004], ids=["001", "002", "004"])
def test_seed_templates_have_every_required_section(text: str) -> None:
    keys = {s.key for s in parse_sections(text, 1)}
    assert set(REQUIRED_FOR_PUBLISHED) <= keys


def test_seed_003_has_required_sections_but_lessons() -> None:
    keys = {s.key for s in parse_sections(SEED_003, 1)}
    assert set(REQUIRED_FOR_PUBLISHED) - keys == {"lessons_learned"}


@pytest.mark.parametrize("text", [SEED_001, SEED_002, SEED_004], ids=["001", "002", "004"])
def test_seed_template_action_items_are_placeholders(text: str) -> None:
    section = _action_items_of(text)
    items, problems = parse_action_items(section)
    assert items == []
    assert len(problems) == 2
    assert {p.code for p in problems} == {"action-item-placeholder"}
    assert all(p.level == "warning" for p in problems)
    assert all("left in action items; replace it" in p.message for p in problems)
    assert all("delete the line" in p.message for p in problems)
    lines = text.splitlines()
    assert all("[Action" in lines[p.line - 1] for p in problems)
    first = next(n for n, ln in enumerate(lines, 1) if n > section.line and "[Action" in ln)
    assert [p.line for p in problems] == [first, first + 1]


def test_seed_003_action_items_have_placeholder_owner_and_due() -> None:
    section = _action_items_of(SEED_003)
    items, problems = parse_action_items(section)
    assert [i.text for i in items] == [
        "Add load test for profile endpoint",
        "Create code review checklist for query optimization",
        "Implement query performance monitoring",
        "Add database connection pool alerts at 75%",
        "Update runbook with this scenario",
    ]
    assert all(i.owner is None and i.due is None and i.state == "open" for i in items)
    first = section.line + 1
    assert [i.line for i in items] == list(range(first, first + 5))
    assert codes(problems) == [
        (line, code)
        for line in range(first, first + 5)
        for code in ("action-item-no-owner", "action-item-no-due")
    ]
    assert '"Add load test for profile endpoint"' in problems[0].message
    assert "@owner" in problems[0].message
    assert "YYYY-MM-DD" in problems[1].message


def test_mojibake_emoji_decoration_in_headings() -> None:
    # "\u201a\u00fa\u00c5" is how the seed shows a check-mark emoji decoded with the wrong codec.
    assert section_key("\u201a\u00fa\u00c5 What Went Well") == "what_went_well"
    assert section_key("\u2705 What Went Well") == "what_went_well"
    assert section_key("\U0001f4cb Summary") == "summary"


# --------------------------------------------------------------------------- sections


def test_sections_file_lines_with_non_1_first_line() -> None:
    body = (
        "# Title\n"  # 7
        "Intro paragraph, not a section.\n"  # 8
        "\n"  # 9
        "## Summary\n"  # 10
        "It broke.\n"  # 11
        "### Details\n"  # 12
        "More.\n"  # 13
        "## Impact ##\n"  # 14
        "Users saw errors.\n"  # 15
        "##   Root Cause   \n"  # 16
    )
    sections = parse_sections(body, 7)
    assert [(s.title, s.key, s.line) for s in sections] == [
        ("Summary", "summary", 10),
        ("Impact", "impact", 14),
        ("Root Cause", "root_cause", 16),
    ]
    assert sections[0].body == "It broke.\n### Details\nMore."
    assert sections[1].body == "Users saw errors."
    assert sections[2].body == ""


def test_no_h2_means_no_sections() -> None:
    assert parse_sections("# Only a title\n\nSome text\n### Sub\n", 3) == []
    assert parse_sections("", 1) == []


def test_headings_in_code_fences_and_comments_are_ignored() -> None:
    body = (
        "## Summary\n"  # 1
        "```markdown\n"  # 2
        "## Impact\n"  # 3
        "```\n"  # 4
        "~~~\n"  # 5
        "## Timeline\n"  # 6
        "```\n"  # 7  (a backtick fence does not close a tilde fence)
        "## Still in code\n"  # 8
        "~~~~\n"  # 9  (a longer closing fence closes it)
        "<!--\n"  # 10
        "## Commented out\n"  # 11
        "-->\n"  # 12
        "    ## indented code, not a heading\n"  # 13
        "## Resolution\n"  # 14
    )
    sections = parse_sections(body, 1)
    assert [(s.key, s.line) for s in sections] == [("summary", 1), ("resolution", 14)]
    assert "## Impact" in sections[0].body


def test_h3_and_h1_are_not_sections() -> None:
    sections = parse_sections("## Summary\n# Big\n### Impact\n####Nope\n", 1)
    assert [s.title for s in sections] == ["Summary"]


def test_crlf_line_endings() -> None:
    sections = parse_sections("intro\r\n## Summary\r\ntext\r\n## Impact\r\n", 5)
    assert [(s.title, s.line, s.body) for s in sections] == [
        ("Summary", 6, "text"),
        ("Impact", 8, ""),
    ]


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Summary", "summary"),
        ("summary:", "summary"),
        ("Executive Summary", "summary"),
        ("Incident Summary", "summary"),
        ("Overview", "summary"),
        ("TL;DR", "summary"),
        ("1. Summary", "summary"),
        ("\U0001f4dd Summary", "summary"),
        ("**Summary**", "summary"),
        ("Impact", "impact"),
        ("Customer Impact", "impact"),
        ("User Impact", "impact"),
        ("Impact Assessment", "impact"),
        ("Timeline", "timeline"),
        ("Timeline (all times UTC)", "timeline"),
        ("Incident Timeline", "timeline"),
        ("Sequence of Events", "timeline"),
        ("Root Cause", "root_cause"),
        ("Root Cause Analysis", "root_cause"),
        ("Root Causes", "root_cause"),
        ("Root Cause(s)", "root_cause"),
        ("Cause", "root_cause"),
        ("Root Cause: connection pool exhausted", "root_cause"),
        ("Resolution", "resolution"),
        ("Remediation", "resolution"),
        ("Mitigation", "resolution"),
        ("Resolution and Recovery", "resolution"),
        ("Resolution & Recovery", "resolution"),
        ("Fix", "resolution"),
        ("Action Items", "action_items"),
        ("Actions", "action_items"),
        ("Follow-up Actions", "action_items"),
        ("Follow-up Items", "action_items"),
        ("Corrective Actions", "action_items"),
        ("Next Steps", "action_items"),
        ("Action Plan", "action_items"),
        ("6) Action Items:", "action_items"),
        ("Lessons Learned", "lessons_learned"),
        ("Lessons", "lessons_learned"),
        ("Key Learnings", "lessons_learned"),
        ("Learnings", "lessons_learned"),
        ("Takeaways", "lessons_learned"),
        ("Key Takeaways", "lessons_learned"),
        ("What Went Well", "what_went_well"),
        ("Went Well", "what_went_well"),
        ("What Went Right", "what_went_well"),
        ("What Could Be Improved", "what_could_be_improved"),
        ("What Could Improve", "what_could_be_improved"),
        ("What Went Wrong", "what_could_be_improved"),
        ("What Didn't Go Well", "what_could_be_improved"),
        ("What Didn\u2019t Go Well", "what_could_be_improved"),
        ("Areas for Improvement", "what_could_be_improved"),
        ("Detection", "detection"),
        ("DETECTION", "detection"),
        ("Contributing Factors", None),
        ("Where We Got Lucky", None),
        ("Metadata", None),
        ("Supporting Documents", None),
        ("Appendix", None),
        ("", None),
    ],
)
def test_section_synonyms(title: str, key: str | None) -> None:
    assert section_key(title) == key
    if key is not None:
        assert key in SECTION_NAMES


def test_section_names_and_required() -> None:
    assert SECTION_NAMES == {
        "summary": "Summary",
        "impact": "Impact",
        "timeline": "Timeline",
        "root_cause": "Root Cause",
        "resolution": "Resolution",
        "action_items": "Action Items",
        "lessons_learned": "Lessons Learned",
        "what_went_well": "What Went Well",
        "what_could_be_improved": "What Could Be Improved",
        "detection": "Detection",
    }
    assert REQUIRED_FOR_PUBLISHED == (
        "summary", "impact", "timeline", "root_cause", "resolution", "action_items",
        "lessons_learned",
    )
    for key, name in SECTION_NAMES.items():
        assert section_key(name) == key


def test_parse_sections_then_action_items_uses_file_lines() -> None:
    body = "## Summary\nx\n\n## Follow-up Actions\n\n- [ ] Add alert - Ann - 2026-03-01\n"
    sections = parse_sections(body, 20)
    actions = sections[1]
    assert (actions.key, actions.line) == ("action_items", 23)
    items, problems = parse_action_items(actions)
    assert [(i.text, i.line) for i in items] == [("Add alert", 25)]
    assert problems == []


# --------------------------------------------------------------------------- format 1


def test_format_dash_separated() -> None:
    items, problems = parse(
        "- [ ] Add load test - Alice Smith - 2026-03-01\n"
        "* [x] Rotate keys \u2013 @bob \u2013 2026-03-02\n"
        "- [X] Pin versions \u2014 SRE team \u2014 2026-03-03\n"
        "+ [ ] Run `a - b` check - carol - 2026-03-04\n"
    )
    assert problems == []
    assert items == [
        ActionItem("Add load test", "Alice Smith", date(2026, 3, 1), "open", "Open", 11),
        ActionItem("Rotate keys", "bob", date(2026, 3, 2), "done", "Done", 12),
        ActionItem("Pin versions", "SRE team", date(2026, 3, 3), "done", "Done", 13),
        ActionItem("Run `a - b` check", "carol", date(2026, 3, 4), "open", "Open", 14),
    ]


def test_format_dash_keeps_dashes_inside_the_action() -> None:
    items, problems = parse("- [ ] Retry - with jitter - Ann - 2026-03-01\n")
    assert [(i.text, i.owner, i.due) for i in items] == [
        ("Retry - with jitter", "Ann", date(2026, 3, 1)),
    ]
    assert problems == []


def test_format_dash_due_before_owner() -> None:
    items, _ = parse("- [ ] Add alert - 2026-03-01 - Ann\n")
    assert [(i.text, i.owner, i.due) for i in items] == [("Add alert", "Ann", date(2026, 3, 1))]


# --------------------------------------------------------------------------- format 2


def test_format_parenthesised_owner_and_due() -> None:
    items, problems = parse(
        "- [ ] (@alice, Due: 2026-03-01) Add load test for profile endpoint\n"
        "- [x] (@bob, Due: Mar 5, 2026) Create checklist\n"
        "- [ ] Update runbook (@carol, due 2026-04-01)\n"
    )
    assert problems == []
    assert items == [
        ActionItem("Add load test for profile endpoint", "alice", date(2026, 3, 1), "open",
                   "Open", 11),
        ActionItem("Create checklist", "bob", date(2026, 3, 5), "done", "Done", 12),
        ActionItem("Update runbook", "carol", date(2026, 4, 1), "open", "Open", 13),
    ]


# --------------------------------------------------------------------------- format 3


def test_format_owner_and_due_labels() -> None:
    items, problems = parse(
        "- [ ] Add alerts - Owner: Dana - Due: 2026-03-01\n"
        "- [ ] Tune pool, Owner: Eli, Due: 2026-03-02\n"
        "- [ ] Fix retries - Due: 2026-03-03 - Owner: Fay\n"
        "- [x] Write docs - **Owner:** Gus - **Due:** March 4, 2026\n"
        "- [ ] Review - Assignee: @hal; Deadline: 4 March 2026\n"
    )
    assert problems == []
    assert [(i.text, i.owner, i.due, i.state, i.line) for i in items] == [
        ("Add alerts", "Dana", date(2026, 3, 1), "open", 11),
        ("Tune pool", "Eli", date(2026, 3, 2), "open", 12),
        ("Fix retries", "Fay", date(2026, 3, 3), "open", 13),
        ("Write docs", "Gus", date(2026, 3, 4), "done", 14),
        ("Review", "hal", date(2026, 3, 4), "open", 15),
    ]


def test_format_labels_with_status() -> None:
    items, _ = parse("- Add alert - Owner: Ann - Due: 2026-03-01 - Status: In progress\n")
    assert [(i.state, i.status) for i in items] == [("open", "In progress")]
    items, _ = parse("- [ ] Add alert - Owner: Ann - Due: 2026-03-01 - Status: Done\n")
    assert [(i.state, i.status) for i in items] == [("done", "Done")]


# --------------------------------------------------------------------------- format 4


TABLE = """\
Some intro text.

| Action | Owner | Due Date | Status |
|--------|-------|----------|--------|
| Add load test | @alice | 2026-03-01 | Open |
| Add `pool` alert | [Bob](https://example.com/bob) | 2026-03-02 | In progress |
| Write runbook | Carol | 2026-03-03 | Done |
| ~~Migrate to X~~ | Dan | 2026-03-04 | Open |
| Tune GC | Eve | 2026-03-05 | Won't do |
| Patch kernel | Fay | 2026-03-06 |  |
"""


def test_format_table() -> None:
    items, problems = parse(TABLE)
    assert problems == []
    assert items == [
        ActionItem("Add load test", "alice", date(2026, 3, 1), "open", "Open", 15),
        ActionItem("Add `pool` alert", "Bob", date(2026, 3, 2), "open", "In progress", 16),
        ActionItem("Write runbook", "Carol", date(2026, 3, 3), "done", "Done", 17),
        ActionItem("Migrate to X", "Dan", date(2026, 3, 4), "wont_do", "Won't do", 18),
        ActionItem("Tune GC", "Eve", date(2026, 3, 5), "wont_do", "Won't do", 19),
        ActionItem("Patch kernel", "Fay", date(2026, 3, 6), "open", "Open", 20),
    ]


def test_format_table_other_column_names_order_and_case() -> None:
    items, problems = parse(
        "| STATUS | Deadline | Task | Assignee | Ticket |\n"
        "|:------:|---|:---|---:|---|\n"
        "| closed | `2026-03-01` | Add alert | **@ann** | OPS-1 |\n"
        "| Blocked | 2026-03-02T09:00:00Z | Fix pool | ben | OPS-2 |\n"
    )
    assert problems == []
    assert [(i.text, i.owner, i.due, i.state, i.status, i.line) for i in items] == [
        ("Add alert", "ann", date(2026, 3, 1), "done", "closed", 13),
        ("Fix pool", "ben", date(2026, 3, 2), "open", "Blocked", 14),
    ]


def test_table_without_status_column_and_missing_cells() -> None:
    items, problems = parse(
        "| Item | Owner | Due |\n"
        "|---|---|---|\n"
        "| Add alert | | 2026-03-01 |\n"
        "| Fix pool | Ann |\n"
    )
    assert [(i.text, i.owner, i.due, i.status) for i in items] == [
        ("Add alert", None, date(2026, 3, 1), "Open"),
        ("Fix pool", "Ann", None, "Open"),
    ]
    assert codes(problems) == [(13, "action-item-no-owner"), (14, "action-item-no-due")]
    assert "Owner cell" in problems[0].message
    assert "Due Date cell" in problems[1].message


def test_table_without_owner_column_says_add_column() -> None:
    items, problems = parse("| Action | Due |\n|---|---|\n| Add alert | 2026-03-01 |\n")
    assert len(items) == 1
    assert codes(problems) == [(13, "action-item-no-owner")]
    assert "add an Owner column" in problems[0].message


def test_unrelated_table_is_ignored() -> None:
    items, problems = parse("| Time | Event |\n|---|---|\n| 14:30 | Alert - fired - 2026-01-01 |\n")
    assert items == [] and problems == []


# --------------------------------------------------------------------------- states


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("Done", "done"),
        ("Closed", "done"),
        ("Complete", "done"),
        ("Completed", "done"),
        ("Fixed", "done"),
        ("resolved", "done"),
        ("\u2705 Done", "done"),
        ("Done (PR #12)", "done"),
        ("Won't do", "wont_do"),
        ("Won\u2019t do", "wont_do"),
        ("Wont do", "wont_do"),
        ("Won't fix", "wont_do"),
        ("Cancelled", "wont_do"),
        ("Canceled", "wont_do"),
        ("Dropped", "wont_do"),
        ("Obsolete", "wont_do"),
        ("Open", "open"),
        ("In progress", "open"),
        ("To do", "open"),
        ("Blocked", "open"),
        ("", "open"),
    ],
)
def test_table_status_mapping(status: str, state: str) -> None:
    table = "| Action | Owner | Due Date | Status |\n|-|-|-|-|\n"
    items, _ = parse(f"{table}| A | B | 2026-01-01 | {status} |\n")
    assert [i.state for i in items] == [state]
    assert items[0].status == (status or "Open")


def test_done_markers_on_bullets() -> None:
    items, _ = parse(
        "- [x] a - Ann - 2026-01-01\n"
        "- [X] b - Ann - 2026-01-01\n"
        "- [ ] c - Ann - 2026-01-01\n"
        "- [-] d - Ann - 2026-01-01\n"
    )
    assert [(i.text, i.state, i.status) for i in items] == [
        ("a", "done", "Done"),
        ("b", "done", "Done"),
        ("c", "open", "Open"),
        ("d", "wont_do", "Won't do"),
    ]


def test_strikethrough_is_wont_do() -> None:
    items, problems = parse(
        "- [ ] ~~Migrate to X~~ - Owner - 2026-01-01\n"
        "- [ ] ~~Drop table Y - Ann - 2026-01-02~~\n"
        "- ~~Rewrite Z~~ - Ben - 2026-01-03\n"
        "- [x] ~~Ship W~~ - Cy - 2026-01-04\n"
        "- [ ] Use ~~old~~ new API - Di - 2026-01-05\n"
    )
    assert [(i.text, i.owner, i.due, i.state) for i in items] == [
        ("Migrate to X", None, date(2026, 1, 1), "wont_do"),
        ("Drop table Y", "Ann", date(2026, 1, 2), "wont_do"),
        ("Rewrite Z", "Ben", date(2026, 1, 3), "wont_do"),
        ("Ship W", "Cy", date(2026, 1, 4), "done"),  # explicitly ticked: done wins
        ("Use ~~old~~ new API", "Di", date(2026, 1, 5), "open"),  # partial strike
    ]
    assert items[0].status == "Won't do"
    assert problems == []  # no owner warning for an item that will not be done


# --------------------------------------------------------------------------- mixed / shapes


def test_mixed_formats_in_one_section() -> None:
    body = (
        "Follow-ups agreed in the review:\n"  # 11
        "\n"  # 12
        "- [ ] Add load test - Alice - 2026-03-01\n"  # 13
        "- [ ] (@bob, Due: 2026-03-02) Add pool alert\n"  # 14
        "- [x] Update runbook - Owner: Carol - Due: 2026-03-03\n"  # 15
        "\n"  # 16
        "### Longer term\n"  # 17
        "\n"  # 18
        "| Action | Owner | Due Date | Status |\n"  # 19
        "|--------|-------|----------|--------|\n"  # 20
        "| Shard the database | @dan | 2026-06-30 | In progress |\n"  # 21
        "\n"  # 22
        "* [ ] ~~Rewrite in Rust~~ - Eve - 2026-12-31\n"  # 23
    )
    items, problems = parse(body)
    assert problems == []
    assert [(i.text, i.owner, i.due, i.state, i.line) for i in items] == [
        ("Add load test", "Alice", date(2026, 3, 1), "open", 13),
        ("Add pool alert", "bob", date(2026, 3, 2), "open", 14),
        ("Update runbook", "Carol", date(2026, 3, 3), "done", 15),
        ("Shard the database", "dan", date(2026, 6, 30), "open", 21),
        ("Rewrite in Rust", "Eve", date(2026, 12, 31), "wont_do", 23),
    ]


def test_plain_bullets_need_an_item_shape() -> None:
    items, problems = parse(
        "- We should think about capacity.\n"  # 11 prose
        "- Add alert - Ann - 2026-03-01\n"  # 12 dash shape
        "- Tune pool - Owner: Ben\n"  # 13 label shape
        "- Investigate logs - @cy\n"  # 14 @owner
        "- Good teamwork - fast response\n"  # 15 two prose parts: not an item
        "Plain prose line - with dashes - 2026-01-01.\n"  # 16 not a bullet
    )
    assert [(i.text, i.owner, i.line) for i in items] == [
        ("Add alert", "Ann", 12),
        ("Tune pool", "Ben", 13),
        ("Investigate logs", "cy", 14),
    ]
    assert codes(problems) == [(13, "action-item-no-due"), (14, "action-item-no-due")]


def test_checkbox_bullet_is_always_an_item() -> None:
    items, problems = parse("1. [ ] Think about capacity\n")
    assert [(i.text, i.owner, i.due) for i in items] == [("Think about capacity", None, None)]
    assert codes(problems) == [(11, "action-item-no-owner"), (11, "action-item-no-due")]


def test_nested_sub_bullets_are_ignored() -> None:
    items, _ = parse(
        "- [ ] Add load test - Alice - 2026-03-01\n"  # 11
        "  - [ ] write the scenario - Bob - 2026-02-01\n"  # 12 sub-bullet
        "    * details - Carl - 2026-02-02\n"  # 13 sub-sub-bullet
        "\n"
        "  continuation paragraph\n"  # 15
        "  - [ ] still a sub-bullet - Dee - 2026-02-03\n"  # 16
        "- [ ] Add alert - Eve - 2026-03-02\n"  # 17
        "- Short term:\n"  # 18 prose bullet, not an item
        "  - [ ] Nested under prose - Fay - 2026-03-03\n"  # 19 counts
    )
    assert [(i.text, i.line) for i in items] == [
        ("Add load test", 11),
        ("Add alert", 17),
        ("Nested under prose", 19),
    ]


def test_items_in_code_fences_and_comments_are_ignored() -> None:
    items, problems = parse(
        "```\n- [ ] Not real - Ann - 2026-01-01\n```\n"
        "<!-- - [ ] Commented - Ann - 2026-01-01 -->\n"
        "<!--\n- [ ] Also commented - Ann - 2026-01-01\n-->\n"
        "- [ ] Real - Ann - 2026-01-01\n"
    )
    assert [(i.text, i.line) for i in items] == [("Real", 18)]
    assert problems == []


# --------------------------------------------------------------------------- problems


def test_missing_owner_and_due_warnings_with_lines() -> None:
    items, problems = parse(
        "- [ ] Add load test for the profile endpoint under peak traffic - 2026-03-01\n"  # 11
        "- [ ] Add alert - Ann\n"  # 12
        "- [ ] Write postmortem guide\n",  # 13
        line=40,
    )
    assert [i.line for i in items] == [41, 42, 43]
    assert codes(problems) == [
        (41, "action-item-no-owner"),
        (42, "action-item-no-due"),
        (43, "action-item-no-owner"),
        (43, "action-item-no-due"),
    ]
    assert all(p.level == "warning" for p in problems)
    first = problems[0].message
    assert first.startswith(
        'action item "Add load test for the profile endpoint\u2026" has no owner'
    )
    assert '" - Owner Name - 2026-03-01"' in first
    assert "Owner column" in first
    assert 'action item "Add alert" has no due date' in problems[1].message
    assert "YYYY-MM-DD" in problems[1].message


def test_placeholders_mean_missing() -> None:
    items, problems = parse(
        "- [ ] Add alert - Owner - Due Date\n"  # 11
        "- [ ] Tune pool - @owner - YYYY-MM-DD\n"  # 12
        "- [ ] Fix retry - Owner: [Name] - Due: [Date]\n"  # 13
        "- [ ] Patch - @name - TBD\n"  # 14
        "| Action | Owner | Due Date | Status |\n"  # 15
        "|---|---|---|---|\n"  # 16
        "| Real thing | @name | [Date] | Open |\n"  # 17
        "| [Action] | @name | [Date] | Open |\n"  # 18
    )
    assert [(i.text, i.owner, i.due, i.line) for i in items] == [
        ("Add alert", None, None, 11),
        ("Tune pool", None, None, 12),
        ("Fix retry", None, None, 13),
        ("Patch", None, None, 14),
        ("Real thing", None, None, 17),
    ]
    assert codes(problems) == [
        (line, code)
        for line in (11, 12, 13, 14, 17)
        for code in ("action-item-no-owner", "action-item-no-due")
    ] + [(18, "action-item-placeholder")]
    assert "template placeholder" in problems[2].message


@pytest.mark.parametrize(
    "line",
    [
        "- [ ] [Action] - Owner - Due Date",
        "- [ ] [Action item 1] - Owner: [Name] - Due: [Date]",
        "- [ ] (@owner, Due: YYYY-MM-DD) [Action]",
        "- [ ] Action item 2 - @owner - YYYY-MM-DD",
        "* [ ] [Task]",
    ],
)
def test_placeholder_action_gives_one_warning_and_no_item(line: str) -> None:
    items, problems = parse(line + "\n")
    assert items == []
    assert codes(problems) == [(11, "action-item-placeholder")]
    assert problems[0].level == "warning"
    assert "left in action items" in problems[0].message
    assert "delete the line" in problems[0].message


def test_invalid_date_is_an_error() -> None:
    items, problems = parse(
        "- [ ] Add alert - Ann - 2026-02-30\n"
        "- [ ] Fix pool - Owner: Ben - Due: 2026-13-01\n"
        "| Action | Owner | Due Date |\n|---|---|---|\n| Patch | Cy | Feb 30, 2026 |\n"
    )
    assert [(i.text, i.owner, i.due) for i in items] == [
        ("Add alert", "Ann", None),
        ("Fix pool", "Ben", None),
        ("Patch", "Cy", None),
    ]
    assert codes(problems) == [
        (11, "action-item-bad-date"),
        (12, "action-item-bad-date"),
        (15, "action-item-bad-date"),
    ]
    assert all(p.level == "error" for p in problems)
    assert '"2026-02-30"' in problems[0].message
    assert "YYYY-MM-DD" in problems[0].message


def test_ambiguous_and_non_dates() -> None:
    items, problems = parse(
        "- [ ] Add alert - Ann - 03/04/2026\n"  # ambiguous: error
        "- [ ] Fix pool - Ben - 31/03/2026\n"  # day > 12: fine
        "- [ ] Tune GC - Cy - next sprint\n"  # not a date: no-due warning
    )
    assert [i.due for i in items] == [None, date(2026, 3, 31), None]
    assert codes(problems) == [(11, "action-item-bad-date"), (13, "action-item-no-due")]
    assert problems[0].level == "error"
    assert '"next sprint"' in problems[1].message


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-03-01", date(2026, 3, 1)),
        ("2026-3-1", date(2026, 3, 1)),
        ("2026-03-01T12:00:00Z", date(2026, 3, 1)),
        ("2026/03/01", date(2026, 3, 1)),
        ("Mar 1, 2026", date(2026, 3, 1)),
        ("March 1st, 2026", date(2026, 3, 1)),
        ("Sept. 9 2026", date(2026, 9, 9)),
        ("1 March 2026", date(2026, 3, 1)),
        ("1st Mar 2026", date(2026, 3, 1)),
        ("`2026-03-01`", date(2026, 3, 1)),
    ],
)
def test_date_forms(written: str, expected: date) -> None:
    for body in (
        f"- [ ] Add alert - Ann - {written}\n",
        f"- [ ] Add alert - Owner: Ann - Due: {written}\n",
        f"| Action | Owner | Due |\n|---|---|---|\n| Add alert | Ann | {written} |\n",
    ):
        items, problems = parse(body)
        assert [(i.text, i.owner, i.due) for i in items] == [("Add alert", "Ann", expected)], body
        assert problems == []


def test_done_and_dropped_items_need_no_owner_or_due() -> None:
    items, problems = parse("- [x] Add alert\n- [ ] ~~Rewrite~~\n")
    assert [i.state for i in items] == ["done", "wont_do"]
    assert problems == []


def test_bad_date_reported_even_for_done_items() -> None:
    _, problems = parse("- [x] Add alert - Ann - 2026-02-30\n")
    assert codes(problems) == [(11, "action-item-bad-date")]


def test_empty_section() -> None:
    assert parse("") == ([], [])
    assert parse("\n\nNothing decided yet.\n") == ([], [])


def test_results_are_frozen_and_deterministic() -> None:
    body = TABLE + "- [ ] Add alert - Ann\n"
    first = parse(body)
    assert parse(body) == first
    with pytest.raises(dataclasses.FrozenInstanceError):
        first[0][0].text = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        first[1][0].line = 1  # type: ignore[misc]


def test_a_long_line_of_lone_asterisks_is_read_in_one_pass() -> None:
    """A pasted log line full of '*' in an action item once made validation hang for minutes (each
    asterisk re-read the rest of the line); it is an ordinary item, its owner and due date read."""
    noise = "*a " * 50_000  # 150 KB: minutes before the fix, past pytest's timeout
    items, _ = parse(f"| Action | Owner | Due |\n|---|---|---|\n| Fix {noise}| *Ann* | 2026-01-05 |\n")
    assert [(i.owner, i.due) for i in items] == [("Ann", date(2026, 1, 5))]
    assert items[0].text.startswith("Fix *a *a")
