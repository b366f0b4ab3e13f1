# An organisation rule, in Rego (the language of OPA and conftest). launchcheck runs every
# `deny*`, `violation*` (errors) and `warn*` (warnings) rule of every package in
# policies/*.rego on each launch request and response plan; `input` is the document.
# This one is named `ticket/missing-ticket`; give it a code and a summary in
# policies/org.toml under [custom."ticket/missing-ticket"]. Test it with
# `launchcheck policy test` (see ticket_test.rego).
package ticket

import rego.v1

# High-risk launches name their change ticket in the extension key `x-ticket`.
deny_missing_ticket contains result if {
	input.kind == "launch-request"
	input.risk in {"high", "critical"}
	not input["x-ticket"]
	result := {
		"msg": sprintf("the %s-risk launch %s names no change ticket", [input.risk, input.id]),
		# Where the finding points: a key path into the document (the nearest existing
		# parent when the key is missing).
		"path": ["x-ticket"],
		"help": "add `x-ticket = \"CHG-1234\"` at the top of the file",
	}
}
