"""The transitions tables on the models hold in the services: a move the table does not allow is refused with
words naming the record and both states, and nothing changes."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from certificates.models import Certificate
from registry.transitions import allowed_from, transition_check
from tests.vaccination.test_care import dose  # noqa: F401 - fixture
from vaccination.models import Reaction, ReactionNote, Session, Visit
from vaccination.services.reactions import reaction_follow_up, reaction_report


def test_a_closed_reaction_does_not_move_again(world, people, dose, console_client):  # noqa: F811
    reaction = reaction_report(actor=people["lan"]["account"], dose_id=dose.pk, onset_at=timezone.now(),
                               symptoms=["fever"], severity="mild")
    staff = world["site_staff_phuc_xa"]
    reaction_follow_up(actor=staff, reaction_id=reaction.pk, status="contacted", note="Đã gọi điện")
    reaction_follow_up(actor=staff, reaction_id=reaction.pk, status="contacted", note="Gọi lại, đã hạ sốt")
    reaction_follow_up(actor=staff, reaction_id=reaction.pk, status="closed")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        reaction_follow_up(actor=staff, reaction_id=reaction.pk, status="acknowledged")
    assert refused.value.message_dict == {
        "status": ["This reaction after vaccination cannot go from “Closed” to “Acknowledged”."]}
    assert Reaction.objects.get(pk=reaction.pk).status == "closed"
    assert ReactionNote.objects.filter(reaction=reaction).count() == 3
    page = console_client(staff).post(reverse("vaccination_console:reaction_detail", args=[reaction.pk]),
                                      {"status": "contacted", "note": "x"}).content.decode()
    assert "Không thể chuyển phản ứng sau tiêm này từ “Đã kết thúc” sang “Đã liên hệ”." in page


@pytest.mark.parametrize("model, field, current, to", [
    (Certificate, "status", "superseded", "valid"),
    (Certificate, "status", "revoked", "superseded"),
    (Session, "status", "closed", "planned"),
    (Visit, "step", "done", "observing"),
    (Visit, "step", "checked_in", "done"),
])
def test_the_tables_refuse_moves_back_and_skipped_steps(model, field, current, to):
    with pytest.raises(ValidationError) as refused:
        transition_check(model(**{field: current}), to, field=field)
    assert list(refused.value.message_dict) == [field]


def test_revocation_reaches_valid_and_replaced_certificates_only():
    assert sorted(allowed_from(Certificate, Certificate.Status.REVOKED)) == ["superseded", "valid"]
