"""The shortlist: star, unstar and order the top three; nobody sees anyone else's."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from matching.models import ShortlistEntry
from matching.services.shortlist import ShortlistInvalid, shortlist_add, shortlist_rank, shortlist_remove
from tests.factories import MentorProfileFactory, ShortlistEntryFactory, TraineeProfileFactory

pytestmark = pytest.mark.django_db


def ranks(trainee: Any) -> dict[int, int | None]:
    return dict(ShortlistEntry.objects.filter(trainee=trainee).values_list("mentor_id", "rank"))


def test_starring_twice_keeps_one_entry_and_unstarring_removes_it(trainee: Any, mentor: Any) -> None:
    shortlist_add(trainee=trainee, mentor=mentor)
    shortlist_add(trainee=trainee, mentor=mentor)
    assert ShortlistEntry.objects.filter(trainee=trainee).count() == 1
    shortlist_remove(trainee=trainee, mentor=mentor)
    assert not ShortlistEntry.objects.filter(trainee=trainee).exists()


def test_reordering_the_top_three_swaps_ranks_without_breaking_the_unique_rank(trainee: Any) -> None:
    a, b, c, d = MentorProfileFactory.create_batch(4)
    for m in (a, b, c, d):
        shortlist_add(trainee=trainee, mentor=m)
    shortlist_rank(trainee=trainee, mentor_ids=[a.pk, b.pk, c.pk])
    shortlist_rank(trainee=trainee, mentor_ids=[c.pk, a.pk, d.pk])  # swap and replace
    assert ranks(trainee) == {c.pk: 1, a.pk: 2, d.pk: 3, b.pk: None}
    shortlist_rank(trainee=trainee, mentor_ids=[])
    assert set(ranks(trainee).values()) == {None}


def test_ranking_refuses_more_than_three_duplicates_or_unstarred_mentors(trainee: Any) -> None:
    a, b, c, d = MentorProfileFactory.create_batch(4)
    for m in (a, b, c, d):
        shortlist_add(trainee=trainee, mentor=m)
    shortlist_rank(trainee=trainee, mentor_ids=[a.pk])
    for bad in ([a.pk, b.pk, c.pk, d.pk], [a.pk, a.pk], [MentorProfileFactory().pk]):
        with pytest.raises(ShortlistInvalid):
            shortlist_rank(trainee=trainee, mentor_ids=bad)
        assert ranks(trainee)[a.pk] == 1  # nothing changed


def test_a_trainee_cannot_shortlist_themselves() -> None:
    both = TraineeProfileFactory()
    with pytest.raises(ShortlistInvalid):
        shortlist_add(trainee=both, mentor=MentorProfileFactory(user=both.user))
    assert ShortlistEntry.objects.count() == 0


def test_star_from_the_mentor_page_then_order_on_the_shortlist_page(login: Any, trainee: Any) -> None:
    a = MentorProfileFactory(user__full_name="Dr A")
    b = MentorProfileFactory(user__full_name="Dr B")
    client = login(trainee.user)
    for m in (a, b):
        response = client.post(
            reverse("matching-shortlist-add", args=[m.pk]), {"next": reverse("matching-mentor", args=[m.pk])}
        )
        assert response["Location"] == reverse("matching-mentor", args=[m.pk])
    page = client.get(reverse("matching-shortlist"))
    assert "Dr A" in page.content.decode()
    assert "Dr B" in page.content.decode()
    response = client.post(reverse("matching-shortlist"), {"rank_1": b.pk, "rank_2": a.pk, "rank_3": ""})
    assert response.status_code == 302
    assert ranks(trainee) == {b.pk: 1, a.pk: 2}
    client.post(reverse("matching-shortlist-remove", args=[a.pk]))
    assert ranks(trainee) == {b.pk: 1}


def test_choices_with_an_empty_place_above_move_up_and_the_trainee_is_told(login: Any, trainee: Any) -> None:
    # Tried: choosing only "Third choice" saved that mentor as #1 with no word about it.
    a = MentorProfileFactory(user__full_name="Dr A")
    b = MentorProfileFactory(user__full_name="Dr B")
    ShortlistEntryFactory(trainee=trainee, mentor=a)
    ShortlistEntryFactory(trainee=trainee, mentor=b)
    client = login(trainee.user)
    assert "Choices have no gaps" in client.get(reverse("matching-shortlist")).content.decode()
    response = client.post(reverse("matching-shortlist"), {"rank_1": "", "rank_2": "", "rank_3": a.pk}, follow=True)
    assert ranks(trainee) == {a.pk: 1, b.pk: None}
    assert (
        "Saved: Dr A is your 1st choice. Choices have no empty places between them, so yours moved up."
        in response.content.decode()
    )
    response = client.post(reverse("matching-shortlist"), {"rank_1": b.pk, "rank_2": a.pk, "rank_3": ""}, follow=True)
    assert "Saved: Dr B is your 1st choice, Dr A is your 2nd choice.</p>" in response.content.decode()


def test_the_same_mentor_in_two_places_is_refused_with_a_message(login: Any, trainee: Any) -> None:
    a = MentorProfileFactory()
    ShortlistEntryFactory(trainee=trainee, mentor=a)
    response = login(trainee.user).post(reverse("matching-shortlist"), {"rank_1": a.pk, "rank_2": a.pk})
    assert response.status_code == 400
    assert "different mentor for each place" in response.content.decode()
    assert ranks(trainee) == {a.pk: None}


def test_an_open_redirect_is_refused(login: Any, trainee: Any, mentor: Any) -> None:
    response = login(trainee.user).post(
        reverse("matching-shortlist-add", args=[mentor.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("matching-shortlist")


def test_an_outsider_sees_only_their_own_shortlist(login: Any, trainee: Any, outsider: Any, mentor: Any) -> None:
    ShortlistEntryFactory(trainee=trainee, mentor=mentor, rank=1)
    body = login(outsider.user).get(reverse("matching-shortlist")).content.decode()
    assert "Dr Maya Patel" not in body
    assert "Your shortlist is empty" in body
    # unstarring someone else's entry through one's own shortlist changes nothing of theirs
    login(outsider.user).post(reverse("matching-shortlist-remove", args=[mentor.pk]))
    assert ranks(trainee) == {mentor.pk: 1}


def test_a_mentor_without_a_trainee_profile_cannot_keep_a_shortlist(login: Any, mentor: Any) -> None:
    other = MentorProfileFactory()
    client = login(mentor.user)
    client.post(reverse("matching-shortlist-add", args=[other.pk]))
    assert ShortlistEntry.objects.count() == 0
    assert "Fill in your trainee profile" in client.get(reverse("matching-shortlist")).content.decode()


def test_a_shortlisted_mentor_scores_higher_in_the_directory(login: Any, trainee: Any) -> None:
    from tests.factories import ProgramFactory

    ProgramFactory()
    a = MentorProfileFactory(user__full_name="Dr A")
    b = MentorProfileFactory(user__full_name="Dr B")
    client = login(trainee.user)
    before = {c.mentor.pk: c.score for c in client.get(reverse("matching-directory")).context["directory"].cards}
    assert before[a.pk] == before[b.pk]
    shortlist_add(trainee=trainee, mentor=b)
    shortlist_rank(trainee=trainee, mentor_ids=[b.pk])
    cards = client.get(reverse("matching-directory")).context["directory"].cards
    assert [c.mentor.pk for c in cards] == [b.pk, a.pk]
    assert cards[0].shortlist_rank == 1
    after = {c.mentor.pk: c.score for c in cards}
    assert after[b.pk] > before[b.pk]
    assert after[a.pk] == before[a.pk]  # starring someone lowers nobody else


def test_starring_a_mentor_raises_their_score_and_says_so_on_their_page(login: Any, trainee: Any) -> None:
    """The review's case: starring (no rank yet) showed "Starred by you — lowered the score" and a lower score."""
    from tests.factories import ProgramFactory

    ProgramFactory()
    starred = MentorProfileFactory(user__full_name="Dr Starred")
    other = MentorProfileFactory(user__full_name="Dr Other")
    client = login(trainee.user)

    def page(mentor: Any) -> Any:
        return client.get(reverse("matching-mentor", args=[mentor.pk])).context

    before, other_before = page(starred)["detail"].explanation, page(other)["detail"].explanation
    client.post(reverse("matching-shortlist-add", args=[starred.pk]))
    after_page = client.get(reverse("matching-mentor", args=[starred.pk]))
    after, other_after = after_page.context["detail"].explanation, page(other)["detail"].explanation
    assert after.score > before.score
    assert other_after.score == other_before.score
    lines = {line.name: line for line in after.lines}
    assert lines["shortlist"].reason == "Starred by you"
    assert lines["shortlist"].points == pytest.approx(0.5 * lines["shortlist"].max_points, abs=0.1)
    assert not lines["shortlist"].lowered
    assert "shortlist" not in {line.name for line in other_after.lines}  # no "0 of 15" row for the unstarred
    assert sum(line.points for line in after.lines) == pytest.approx(after.score, abs=0.3)
    assert "Starred by you" not in after.lowered_by()


def test_a_starred_mentor_who_left_is_marked_and_no_longer_linked(login: Any, trainee: Any, mentor: Any) -> None:
    ShortlistEntryFactory(trainee=trainee, mentor=mentor)
    mentor.user.is_active = False
    mentor.user.save()
    body = login(trainee.user).get(reverse("matching-shortlist")).content.decode()
    assert 'Dr Maya Patel <span class="badge badge-warn">No longer a mentor here</span>' in body
    assert f'href="{reverse("matching-mentor", args=[mentor.pk])}"' not in body  # Remove stays


def test_the_shortlist_says_which_starred_mentors_can_still_be_requested(login: Any, trainee: Any) -> None:
    # Tried: the shortlist listed each starred mentor by name and specialty only; a mentor who had stopped
    # accepting or filled up looked like the others, so a trainee ranked them first and requested nobody.
    from matching.models import Match
    from matching.services.requests import match_request
    from tests.factories import MatchFactory, ProgramFactory

    program = ProgramFactory(open_to_all=True)
    open_one = MentorProfileFactory(user__full_name="Dr Open", capacity=3)
    closed = MentorProfileFactory(user__full_name="Dr Closed", accepting_mentees=False)
    full = MentorProfileFactory(user__full_name="Dr Full", capacity=1)
    asked = MentorProfileFactory(user__full_name="Dr Asked")
    MatchFactory(mentor=full, program=program, status=Match.Status.APPROVED)
    for mentor in (open_one, closed, full, asked):
        shortlist_add(trainee=trainee, mentor=mentor)
    match_request(trainee=trainee, mentor=asked, program=program, message="please")

    body = " ".join(login(trainee.user).get(reverse("matching-shortlist")).content.decode().split())
    entries = {
        name: body.split(name, 1)[1].split("</li>", 1)[0] for name in ("Dr Open", "Dr Closed", "Dr Full", "Dr Asked")
    }
    assert "3 free places" in entries["Dr Open"]
    assert "Not accepting new mentees" in entries["Dr Closed"]
    assert "Full" in entries["Dr Full"]
    assert "You requested this mentor · with a coordinator" in entries["Dr Asked"]


def test_a_deactivated_mentor_cannot_be_starred_nor_named_by_guessing_their_id(trainee: Any, login: Any) -> None:
    """The directory and the mentor's page hide a deactivated account (404); starring it by its id did not, and its
    "… is on your shortlist" message named the person behind any id."""
    gone = MentorProfileFactory(user__full_name="Dr Gone Away", user__is_active=False)
    client = login(trainee.user)
    response = client.post(reverse("matching-shortlist-add", args=[gone.pk]), follow=True)
    assert response.status_code == 404
    assert "Gone Away" not in response.content.decode()
    assert not ShortlistEntry.objects.filter(trainee=trainee).exists()
    with pytest.raises(ShortlistInvalid):
        shortlist_add(trainee=trainee, mentor=gone)


def test_a_mentor_deactivated_after_being_starred_can_still_be_unstarred(trainee: Any, login: Any) -> None:
    starred = MentorProfileFactory(user__full_name="Dr Left Later")
    shortlist_add(trainee=trainee, mentor=starred)
    starred.user.is_active = False
    starred.user.save()
    client = login(trainee.user)
    response = client.post(reverse("matching-shortlist-remove", args=[starred.pk]), follow=True)
    assert "Dr Left Later was removed from your shortlist." in response.content.decode()
    assert not ShortlistEntry.objects.filter(trainee=trainee).exists()
    # Someone else's deactivated mentor, never starred by this trainee: not found.
    other = MentorProfileFactory(user__is_active=False)
    assert client.post(reverse("matching-shortlist-remove", args=[other.pk])).status_code == 404


def test_removing_the_first_choice_moves_the_others_up_and_says_so(login: Any, trainee: Any) -> None:
    # Tried: with Dr A, Dr B and Dr C as 1st, 2nd and 3rd choice, removing Dr A left Dr B as #2 and Dr C as #3 with
    # no #1, though the shortlist page promises that choices have no gaps (and rounds read the ranks as preferences).
    a = MentorProfileFactory(user__full_name="Dr A")
    b = MentorProfileFactory(user__full_name="Dr B")
    c = MentorProfileFactory(user__full_name="Dr C")
    unranked = MentorProfileFactory(user__full_name="Dr D")
    for rank, mentor in enumerate((a, b, c), start=1):
        ShortlistEntryFactory(trainee=trainee, mentor=mentor, rank=rank)
    ShortlistEntryFactory(trainee=trainee, mentor=unranked)
    client = login(trainee.user)
    response = client.post(reverse("matching-shortlist-remove", args=[a.pk]), follow=True)
    assert ranks(trainee) == {b.pk: 1, c.pk: 2, unranked.pk: None}
    assert (
        "Dr A was removed from your shortlist. Choices have no gaps, so yours moved up: Dr B is your 1st choice, "
        "Dr C is your 2nd choice." in response.content.decode()
    )
    body = " ".join(response.content.decode().split())
    assert 'Dr B</a> <span class="muted">' in body
    assert body.split("Dr B</a>", 1)[1].split("</li>", 1)[0].count("#1") == 1
    # Removing the last choice, or a mentor with no rank, moves nobody and says only that it was removed.
    response = client.post(reverse("matching-shortlist-remove", args=[unranked.pk]), follow=True)
    assert ranks(trainee) == {b.pk: 1, c.pk: 2}
    assert "Dr D was removed from your shortlist.</p>" in response.content.decode()


def test_the_readme_states_the_points_a_first_choice_adds_with_the_default_weights(login: Any, trainee: Any) -> None:
    # Tried: the README said "with the default weights a #1 choice adds 14.8 points" (2 of 13.5, the institution
    # weight counted) while a mentor's page showed 15.4: under the default neutral institution rule the institution
    # weight counts as 0 (2 of 13). The figure is read from the page, so the README cannot drift from it again.
    from pathlib import Path

    from matching.models.programs import DEFAULT_WEIGHTS
    from tests.factories import ProgramFactory, specialty

    program = ProgramFactory()
    assert program.weights == DEFAULT_WEIGHTS
    assert program.institution_rule == "neutral"
    # A dermatologist for a trainee after cardiology: a fit well under 100, so the bonus is not cut at 100.
    first = MentorProfileFactory(specialty=specialty("Dermatology"))
    ShortlistEntryFactory(trainee=trainee, mentor=first, rank=1)
    page = login(trainee.user).get(reverse("matching-mentor", args=[first.pk]))
    line = {line.name: line for line in page.context["detail"].explanation.lines}["shortlist"]
    assert line.reason == "Your #1 choice"
    assert line.points == line.max_points
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
    assert f"with the default weights a #1 choice adds {line.points:.1f} points" in readme
