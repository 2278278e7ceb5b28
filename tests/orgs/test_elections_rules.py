"""The pure election rules: candidates for the seats (差額/等額), quorum, majority of those entitled, ballots."""

import uuid

from services.orgs.enums import Role
from services.orgs.rules import OrgsPolicy
from services.orgs.rules import elections as rules

POLICY = OrgsPolicy()


def test_committee_seats_need_twenty_percent_more_candidates_rounded_up() -> None:
    assert [rules.min_candidates(Role.committee_member, seats, POLICY) for seats in (1, 3, 4, 5, 7)] == [2, 4, 5, 6, 9]


def test_secretary_and_deputy_may_be_equal() -> None:
    assert rules.min_candidates(Role.secretary, 1, POLICY) == 1
    assert rules.min_candidates(Role.deputy_secretary, 2, POLICY) == 2
    strict = OrgsPolicy(election_equal_roles=[])
    assert rules.min_candidates(Role.secretary, 1, strict) == 2


def test_a_slate_error_names_the_race_and_the_figures() -> None:
    errors = rules.slate_errors({Role.secretary: 1, Role.organization_member: 3}, {Role.organization_member: 3}, POLICY)
    assert [e["field"] for e in errors] == ["seats.secretary", "seats.organization_member"]
    assert "0 vetted candidate(s) for 1 seat(s); 等額" in errors[0]["message"]
    assert "3 vetted candidate(s) for 3 seat(s); 差額" in errors[1]["message"]
    assert "4 needed" in errors[1]["message"]


def test_quorum_is_more_than_four_fifths_of_those_entitled() -> None:
    assert rules.quorum_error(50, 41, POLICY) is None
    error = rules.quorum_error(50, 40, POLICY)
    assert error is not None
    assert "40 of 50" in error["message"]
    assert "(41)" in error["message"]
    assert rules.quorum_error(10, 11, POLICY) is not None


def test_majority_is_more_than_half_of_those_entitled() -> None:
    assert [rules.majority_needed(n, POLICY) for n in (10, 11, 50)] == [6, 6, 26]


def test_the_most_votes_with_a_majority_win_and_every_seat_is_filled() -> None:
    ids = [uuid.uuid4() for _ in range(4)]
    tallies = [rules.Tally(ids[0], Role.committee_member, 30), rules.Tally(ids[1], Role.committee_member, 40)]
    tallies += [rules.Tally(ids[2], Role.committee_member, 20), rules.Tally(ids[3], Role.secretary, 45)]
    won, errors = rules.elected({Role.committee_member: 2, Role.secretary: 1}, tallies, eligible=50, policy=POLICY)
    assert errors == []
    assert [t.candidate_id for t in won] == [ids[1], ids[0], ids[3]]

    _, short = rules.elected({Role.committee_member: 3}, tallies, eligible=50, policy=POLICY)
    assert [e["field"] for e in short] == ["seats.committee_member"]
    assert "the next has 20" in short[0]["message"]


def test_a_tie_for_the_last_seat_is_not_decided() -> None:
    tallies = [rules.Tally(uuid.uuid4(), Role.committee_member, 30) for _ in range(2)]
    _, errors = rules.elected({Role.committee_member: 1}, tallies, eligible=50, policy=POLICY)
    assert "tie" in errors[0]["message"]


def test_a_ballot_marks_at_most_the_seats_of_each_race() -> None:
    seats = {Role.committee_member: 2, Role.secretary: 1}
    assert rules.ballot_errors(0, [Role.committee_member, Role.committee_member, Role.secretary], seats) == []
    [error] = rules.ballot_errors(3, [Role.secretary, Role.secretary], seats)
    assert error["field"] == "ballots.3"


def test_no_candidate_has_more_votes_than_voters_present() -> None:
    assert [e["field"] for e in rules.votes_errors([10, 12], 11)] == ["votes.1.votes"]
