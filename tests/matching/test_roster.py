"""Reading a roster from what coordinators paste or export from a spreadsheet."""

from __future__ import annotations

from matching.coordination.roster import MAX_ROWS, Role, parse_roster, roster_from_lists


def _people(roster):
    return [(e.email, e.role, e.where) for e in roster.entries]


def test_rows_with_an_address_and_a_role_in_any_column_are_read_and_the_header_is_skipped():
    roster = parse_roster("Name,E-mail,Role\nAmara Okafor,Amara.Okafor@Uni.edu,Trainee\nDr Li,mentor,li@uni.edu\n")
    assert _people(roster) == [
        ("amara.okafor@uni.edu", Role.TRAINEE, "line 2"),
        ("li@uni.edu", Role.MENTOR, "line 3"),
    ]
    assert roster.problems == []


def test_semicolon_and_tab_separated_sheets_and_blank_lines_are_read():
    semicolons = parse_roster("Okafor, Amara;amara@uni.edu;mentee\n\n;;\nLi, Wei;wei@uni.edu;mentors\n")
    assert [(e.email, e.role) for e in semicolons.entries] == [
        ("amara@uni.edu", Role.TRAINEE),
        ("wei@uni.edu", Role.MENTOR),
    ]
    tabs = parse_roster("amara@uni.edu\ttrainee\nwei@uni.edu\tmentor\n")
    assert [e.email for e in tabs.entries] == ["amara@uni.edu", "wei@uni.edu"]


def test_an_address_in_an_e_mail_clients_name_form_is_taken_from_the_brackets():
    roster = parse_roster("Amara Okafor <amara@uni.edu>, trainee")
    assert [e.email for e in roster.entries] == ["amara@uni.edu"]


def test_a_bare_list_of_addresses_takes_the_chosen_role_and_without_one_each_row_is_a_problem():
    text = "amara@uni.edu\nwei@uni.edu"
    assert {e.role for e in parse_roster(text, Role.TRAINEE).entries} == {Role.TRAINEE}
    without = parse_roster(text)
    assert without.entries == []
    assert [str(p) for p in without.problems] == [
        "line 1: say whether this person is a mentor or a trainee.",
        "line 2: say whether this person is a mentor or a trainee.",
    ]


def test_a_role_cell_with_more_than_the_role_word_is_named_in_the_problem():
    # A hospital's export says "Trainee (PGY-1)" or "Faculty mentor": every row was "say whether this person is a
    # mentor or a trainee", which did not say what was wrong with the column they had filled in.
    roster = parse_roster("Tara Trainee, tara@uni.edu, Trainee (PGY-1)\nDr Mo, mo@uni.edu, Faculty mentor")
    assert roster.entries == []
    assert [str(p) for p in roster.problems] == [
        "line 1: “Trainee (PGY-1)”: write the role alone, mentor or trainee, in its own cell.",
        "line 2: “Faculty mentor”: write the role alone, mentor or trainee, in its own cell.",
    ]


def test_a_role_on_the_row_wins_over_the_chosen_default():
    roster = parse_roster("amara@uni.edu, mentor", Role.TRAINEE)
    assert [e.role for e in roster.entries] == [Role.MENTOR]


def test_each_unreadable_row_is_a_problem_with_its_line_number():
    roster = parse_roster(
        "amara@uni.edu, trainee\n"
        "Wei Li, trainee\n"  # no address
        "c@uni.edu, mentor, trainee\n"  # both roles
        "amara@uni, trainee\n"  # a typo
    )
    assert [e.email for e in roster.entries] == ["amara@uni.edu"]
    assert [str(p) for p in roster.problems] == [
        "line 2: no e-mail address on this line.",
        "line 3: says both mentor and trainee: put each role on its own line.",
        "line 4: “amara@uni” is not an e-mail address.",
    ]


def test_an_e_mail_clients_to_line_enrols_everyone_on_it():
    # Read as one cell (tab wins a tie) this once enrolled only the last person, silently.
    line = "Okafor, Amara <amara@uni.edu>; Li, Wei <wei@uni.edu>; Ben Smith <ben@uni.edu>"
    for text in (line, line.replace("; ", ", ")):
        roster = parse_roster(text, Role.TRAINEE)
        assert [e.email for e in roster.entries] == ["amara@uni.edu", "wei@uni.edu", "ben@uni.edu"], text
        assert roster.problems == []


def test_cells_with_an_at_sign_that_are_not_addresses_are_ignored_like_any_other_column():
    roster = parse_roster("Name,E-mail,Role,Twitter,Notes\nAmara,amara@uni.edu,trainee,@amara_md,met @ AAMC\n")
    assert [e.email for e in roster.entries] == ["amara@uni.edu"]
    assert roster.problems == []


def test_line_numbers_count_the_lines_of_a_cell_that_spans_several():
    text = 'Name,E-mail,Role\nAmara,amara@uni.edu,trainee,"notes\non two lines"\nWei,,trainee\n'
    assert [str(p) for p in parse_roster(text).problems] == ["line 4: no e-mail address on this line."]


def test_the_same_person_twice_in_a_role_counts_once_and_may_hold_both_roles():
    roster = parse_roster("a@uni.edu, trainee\nA@UNI.EDU, trainee\na@uni.edu, mentor\n")
    assert [(e.email, e.role) for e in roster.entries] == [("a@uni.edu", Role.TRAINEE), ("a@uni.edu", Role.MENTOR)]


def test_a_list_longer_than_any_cohort_is_refused_at_the_first_row_too_many():
    rows = "\n".join(f"p{i}@uni.edu, trainee" for i in range(MAX_ROWS + 5))
    roster = parse_roster(rows)
    assert len(roster.entries) == MAX_ROWS
    assert [str(p) for p in roster.problems] == [
        f"line {MAX_ROWS + 1}: the list is longer than {MAX_ROWS} rows: split it."
    ]


def test_the_apis_lists_place_each_problem_by_list_and_index():
    roster = roster_from_lists(trainees=["a@uni.edu", "nope"], mentors=["b@uni.edu"])
    assert [(e.email, e.role, e.where) for e in roster.entries] == [
        ("a@uni.edu", Role.TRAINEE, "trainees[0]"),
        ("b@uni.edu", Role.MENTOR, "mentors[0]"),
    ]
    assert [str(p) for p in roster.problems] == ["trainees[1]: “nope” is not an e-mail address."]


def test_a_tab_separated_paste_with_spaces_and_commas_in_the_names_is_read_by_its_tabs():
    # csv.Sniffer took this for comma separated: every row then lacked its role.
    text = "Name\tE-mail\tRole\r\nDr Ana Patel\tana@uni.edu\tMentor\r\nOkafor, Amara\tamara@uni.edu\tTrainee\r\n"
    roster = parse_roster(text)
    assert [(e.email, e.role) for e in roster.entries] == [
        ("ana@uni.edu", Role.MENTOR),
        ("amara@uni.edu", Role.TRAINEE),
    ]
    assert roster.problems == []


def test_a_quoted_comma_separated_export_is_read():
    roster = parse_roster('"Okafor, Amara",amara@uni.edu,trainee\n"Li, Wei",wei@uni.edu,mentor\n')
    assert [(e.email, e.role) for e in roster.entries] == [
        ("amara@uni.edu", Role.TRAINEE),
        ("wei@uni.edu", Role.MENTOR),
    ]


def test_a_quotation_mark_never_closed_is_a_problem_at_its_line_not_a_crash():
    # Found in review: a stray opening quote turns the rest of a large sheet into one cell, and past 131,072
    # characters the csv module raised "field larger than field limit": a 500 on the enrol page.
    text = (
        "amara@uni.edu, trainee\n"
        + '"Dr Lee, b@uni.edu, mentor\n'
        + "".join(f"person{i}@uni.edu, trainee\n" for i in range(8000))
    )
    roster = parse_roster(text)
    assert [e.email for e in roster.entries] == ["amara@uni.edu"]
    assert [str(p) for p in roster.problems] == [
        "line 2: a cell here runs on for over 130,000 characters, so the rest of the list cannot be read: most "
        'likely a quotation mark (") that is never closed. Remove it, or close it, and enrol again.'
    ]


def test_one_cell_too_long_to_read_among_good_rows_is_named_too():
    roster = parse_roster('a@uni.edu, trainee\n"' + "x" * 200_000 + '"\nb@uni.edu, mentor\n')
    assert [str(p).split(":")[0] for p in roster.problems] == ["line 2"]


def test_the_quote_a_csv_report_puts_before_a_formula_like_cell_is_taken_off_addresses_and_roles():
    roster = parse_roster("'=Jo Dash,'-jo@uni.edu,trainee\nAl,'+al@uni.edu,'mentor\n")
    assert _people(roster) == [("-jo@uni.edu", Role.TRAINEE, "line 1"), ("+al@uni.edu", Role.MENTOR, "line 2")]
    assert roster.problems == []


def test_an_address_that_itself_starts_with_a_quote_is_read_as_written():
    roster = parse_roster("'jo@uni.edu,trainee")
    assert [e.email for e in roster.entries] == ["'jo@uni.edu"]
