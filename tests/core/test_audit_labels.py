"""Every audited action has a translated label, so the audit log never shows raw action names."""

import re
from pathlib import Path

from festival.audit.services import AUDIT_LABELS

SOURCE = Path(__file__).resolve().parents[2] / "festival"


def test_every_recorded_action_has_a_label():
    recorded = set()
    for path in SOURCE.rglob("*.py"):
        recorded |= set(re.findall(r'record_event\(\s*"([a-z_.]+)"', path.read_text()))
    assert len(recorded) > 20
    assert sorted(recorded - set(AUDIT_LABELS)) == []
