# Benchmark rule: no critical launch starts on a Friday in the repository's time zone.
package calendar

deny_critical_on_friday[result] {
	input.kind == "launch-request"
	input.risk == "critical"
	start := time.parse_rfc3339_ns(input.window.start)
	time.weekday([start, data.launchcheck.timezone]) == "Friday"
	result := {"msg": "a critical launch starts on a Friday", "path": ["window", "start"]}
}
