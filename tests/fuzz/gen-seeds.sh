#!/usr/bin/env bash
# gen-seeds.sh - (re)writes the seed inputs (corpus/<harness>/seed-*) from
# testdata/ and queries/.  The seeds are committed; run this only when the
# fixtures change.  Inputs found by fuzzing (corpus/<harness>/<sha1>) and
# regression inputs (corpus/<harness>/regress-*) are left alone.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
td=$root/testdata
c=$here/corpus
max=65536
mkdir -p "$c"/{cloudtrail,gzip,flowlog,flowformat,rule,time,cidr,json}
rm -f "$c"/*/seed-*

# put HARNESS NAME: standard input becomes corpus/HARNESS/seed-NAME, cut
# to the harness's largest input
put() { head -c "$max" >"$c/$1/seed-$2"; }

# CloudTrail: every shape, the bad fixtures, the dedupe set
for f in "$td"/cloudtrail/* "$td"/bad/* "$td"/dedupe/*; do
	b=$(basename "$f")
	case "$b" in
	big-string.json.gz | deep.json) continue ;;
	*.gz) gzip -dc "$f" 2>/dev/null | put cloudtrail "${b%.gz}" || true ;;
	*) put cloudtrail "$b" <"$f" ;;
	esac
done
# a short deep-nesting record (the fixture is 200 KB)
{ printf '{"Records":[{"eventTime":"2024-03-12T10:00:00Z","a":'; printf '[%.0s' $(seq 600); printf '1'; printf ']%.0s' $(seq 600); printf '},{"eventTime":"2024-03-12T10:00:01Z","eventID":"x"}]}'; } | put cloudtrail deep.json
printf '{"Events":[{"EventId":"1","CloudTrailEvent":"{\\"eventTime\\":\\"2024-03-12T10:00:00Z\\",\\"eventID\\":\\"1\\"}"}],"NextToken":"abc"}{"Events":[]}' | put cloudtrail lookup-two-pages.json

# the gzip source: byte 0 is the mode (see fuzz-gzip.c)
for f in "$td"/cloudtrail/records.json.gz "$td"/bad/truncated.json.gz "$td"/dedupe/b-recompressed.json.gz \
	"$td"/cloudtrail/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240312T090000Z.json.gz; do
	b=$(basename "$f")
	{ printf '\000'; cat "$f"; } | put gzip "raw-$b"
done
{ printf '\000'; cat "$td"/cloudtrail/records.json.gz "$td"/dedupe/b-recompressed.json.gz; printf '\0\0\0\0'; } | put gzip raw-two-members-padded.gz
{ printf '\000'; cat "$td"/cloudtrail/records.json.gz; printf 'garbage'; } | put gzip raw-trailing-garbage.gz
{ printf '\000'; cat "$td"/cloudtrail/ndjson.jsonl; } | put gzip plain-ndjson.jsonl
# compressed here, 1-4 members, windows of 16 B to 16 KiB
i=0
for f in records.json lookup-events.json ndjson.jsonl array.json pretty.json single-event.json; do
	for mode in '\001' '\007' '\021' '\043' '\105' '\147'; do
		{ printf "$mode"; cat "$td/cloudtrail/$f"; } | put gzip "z$i-$f"
		i=$((i + 1))
	done
done

# flow logs: S3 files with headers, exports, malformed lines
for f in "$td"/vpcflow/*.log "$td"/vpcflow/flows.parquet; do
	put flowlog "$(basename "$f")" <"$f"
done
{ cat "$td"/vpcflow/v2-default.log; cat "$td"/vpcflow/v5-all-fields.log; } | put flowlog concatenated.log
printf '\357\273\277version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\r\n2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 49152 6 10 840 1710237600 1710237660 ACCEPT OK\r\n' | put flowlog bom-crlf.log

# flow formats: the format line, then header-less lines
{ echo '${srcaddr} ${dstaddr} ${dstport} ${protocol} ${action} ${start} ${end} ${interface-id}'; cat "$td"/vpcflow/custom-noheader.log; } | put flowformat custom.log
{ echo '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}'; cat "$td"/vpcflow/export-noheader.log; } | put flowformat default.log
{ echo "'\${version} \${vpc-id} \${subnet-id} \${instance-id} \${tcp-flags} \${type} \${pkt-srcaddr} \${pkt-dstaddr} \${region} \${az-id} \${flow-direction} \${traffic-path} \${reject-reason} \${new-field}'"; echo '5 vpc-1 subnet-1 i-1 2 IPv4 10.0.0.1 10.0.0.2 us-east-1 use1-az1 ingress 1 - x'; } | put flowformat quoted-v5.log
{ echo 'version srcaddr dstaddr action'; echo '2 10.0.0.1 ::1 REJECT'; } | put flowformat bare-names.log
echo '${srcaddr ${dstaddr}' | put flowformat broken.log

# query files: every canned query, the CLI fixtures
for f in $(find "$root"/queries "$td"/detect-cli -name '*.sql' | sort); do
	put rule "$(echo "${f#"$root"/}" | tr / _)" <"$f"
done

# times and networks as given on the command line
n=0
for t in 2024-03-12T10:00:00Z 2024-03-12T10:00:00.123456Z '2024-03-12 10:00' 2024-03-12 2024-02-29T23:59:60+05:30 \
	2024-03-12T10:00:00,5-0800 1710237600 90m 24h 7d 30s 2w 999999999w 9999-12-31T23:59:59.999Z 0000-01-01T00:00:00Z; do
	printf '%s' "$t" | put time "$n"
	n=$((n + 1))
done
n=0
for a in 10.0.0.1 10.0.0.0/8 10.1.2.3/8 0.0.0.0/0 255.255.255.255/32 ::1 ::/0 2001:db8::/32 fe80::1/10 \
	::ffff:10.1.2.3 ::ffff:10.0.0.0/104 ::ffff:0:0/96 100.64.0.1 1:2:3:4:5:6:7:8/128 1:2:3:4:5:6:1.2.3.4 010.0.0.1 10.0.0.300; do
	printf '%s' "$a" | put cidr "$n"
	n=$((n + 1))
done

# JSON values and strings
for f in records.json lookup-events.json single-event.json; do
	put json "$f" <"$td/cloudtrail/$f"
done
printf '"\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/ \\udc00 x"' | put json escapes
printf '[1,-0.5e+10,true,false,null,{"a":[{}]},"\303\251"]' | put json mixed
printf -- '-12.5E-3' | put json number
printf '\377\300\200 raw bytes \355\240\200' | put json bad-utf8
echo "seeds: $(find "$c" -name 'seed-*' | wc -l)"
