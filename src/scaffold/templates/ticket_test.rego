# Tests for ticket.rego: `launchcheck policy test` runs every `test_*` rule here.
package ticket_test

import rego.v1

import data.ticket

high := {"kind": "launch-request", "id": "LR-1", "risk": "high"}

test_high_risk_without_ticket_is_denied if {
	count(ticket.deny_missing_ticket) == 1 with input as high
}

test_a_ticket_satisfies_it if {
	count(ticket.deny_missing_ticket) == 0 with input as object.union(high, {"x-ticket": "CHG-1"})
}

test_low_risk_needs_none if {
	count(ticket.deny_missing_ticket) == 0 with input as object.union(high, {"risk": "low"})
}
