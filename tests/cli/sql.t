# ctscan sql: read-only SQL over the index, parameters from -p, scripts
# from -f, and ctscan's SQL functions.
$ ctscan ingest -q -d i.db "$TESTDATA/incident" 2>/dev/null

$ ctscan sql -d i.db "SELECT event_name, count(*) AS n FROM events WHERE source_ip_address = '203.0.113.66' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 4"
> event_name         n
> -----------------  -
> DescribeInstances  3
> GetCallerIdentity  3
> AssumeRole         2
> CreateUser         2

# -p binds :name, @name and $name; a canonical integer binds as an integer
$ ctscan sql -d i.db -p key=AKIAQXEXAMPLEALICE01 -p n=2 "SELECT source_ip_address, count(*) AS calls FROM events WHERE access_key_id = :key GROUP BY 1 ORDER BY 2 DESC LIMIT :n"
> source_ip_address  calls
> -----------------  -----
> 192.0.2.10            14
> 203.0.113.66          13

$ ctscan sql -d i.db -p :a=42 -p @b=012 -p '$c=-7' -p d=+5 -p e=AKIA -o csv 'SELECT typeof(:a) AS a, typeof(@b) AS b, @b AS b_value, typeof($c) AS c, typeof(:d) AS d, :e AS e'
> a,b,b_value,c,d,e
> integer,text,012,integer,text,AKIA

# the last -p of a name wins; ?NNN and a bare ? by number
$ ctscan sql -d i.db -p x=1 -p x=2 -p 1=first -p 2=second -p 3=unused -o csv 'SELECT ?1 AS one, ? AS two, :x AS x'
> one,two,x
> first,second,2
! ctscan: warning: sql: parameter '?3' given with -p is not used

$ ctscan sql -d i.db -p key=AKIA 'SELECT :key, :other'
? 2
! ctscan: sql: parameter ':other' has no value: give it with -p other=VALUE

$ ctscan sql -d i.db -p key=AKIA -p unused=1 -o csv 'SELECT :key AS k'
> k
> AKIA
! ctscan: warning: sql: parameter ':unused' given with -p is not used

$ ctscan sql -d i.db -p novalue 'SELECT 1'
? 2
! ctscan: -p takes NAME=VALUE, not 'novalue'
! usage: ctscan sql [-d INDEX] [-o FORMAT] [-p NAME=VALUE]... ('SQL' | -f FILE)
! Try 'ctscan sql --help' for more information.

# -f FILE: several statements, TEMP tables allowed; - is standard input
$ printf '%s\n' '-- keys used from the attacker address' "CREATE TEMP TABLE keys AS SELECT DISTINCT access_key_id AS k FROM events WHERE source_ip_address = :ip;" 'SELECT k FROM keys ORDER BY k;' '' "SELECT count(*) AS calls FROM events WHERE access_key_id IN (SELECT k FROM keys);" > q.sql && ctscan sql -d i.db -f q.sql -p ip=203.0.113.66
> k
> --------------------
> AKIAQXEXAMPLEALICE01
> ASIAQXEXAMPLEBRKGLS2
> ASIAQXEXAMPLEOPSDEP1
>
> calls
> -----
>    37

$ echo 'SELECT 1 AS one' | ctscan sql -d i.db -o json -f -
> [
> {"one":1}
> ]

$ ctscan sql -d i.db -f nosuch.sql
? 3
! ctscan: sql: cannot open 'nosuch.sql': No such file or directory

$ ctscan sql -d i.db -f q.sql 'SELECT 1'
? 2
! ctscan: sql takes either an SQL argument or -f FILE, not both
! usage: ctscan sql [-d INDEX] [-o FORMAT] [-p NAME=VALUE]... ('SQL' | -f FILE)
! Try 'ctscan sql --help' for more information.

$ ctscan sql -d i.db
? 2
! ctscan: sql needs an SQL statement or -f FILE
! usage: ctscan sql [-d INDEX] [-o FORMAT] [-p NAME=VALUE]... ('SQL' | -f FILE)
! Try 'ctscan sql --help' for more information.

$ ctscan sql -d i.db ' -- nothing '
? 2
! ctscan: sql: no SQL statement in the argument

# refused: every write to the index, with a message that says why; exit 4
$ ctscan sql -d i.db "INSERT INTO strs(s) VALUES ('x')"
? 4
! ctscan: sql: the index is read-only: cannot insert into 'strs' (TEMP tables may be written)

$ ctscan sql -d i.db "UPDATE meta SET value = 'x'"
? 4
! ctscan: sql: the index is read-only: cannot update 'meta' (TEMP tables may be written)

$ ctscan sql -d i.db 'DELETE FROM ev'
? 4
! ctscan: sql: the index is read-only: cannot delete from 'ev' (TEMP tables may be written)

$ ctscan sql -d i.db "REPLACE INTO meta VALUES ('k', 'v')"
? 4
! ctscan: sql: the index is read-only: cannot insert into 'meta' (TEMP tables may be written)

$ ctscan sql -d i.db 'CREATE TABLE notes(x)'
? 4
! ctscan: sql: the index is read-only: cannot create 'notes' (use CREATE TEMP ...)

$ ctscan sql -d i.db 'CREATE INDEX ev_ip2 ON ev(ip)'
? 4
! ctscan: sql: the index is read-only: cannot create 'ev_ip2' (use CREATE TEMP ...)

$ ctscan sql -d i.db 'CREATE VIEW v AS SELECT 1'
? 4
! ctscan: sql: the index is read-only: cannot create 'v' (use CREATE TEMP ...)

$ ctscan sql -d i.db 'DROP TABLE ev'
? 4
! ctscan: sql: the index is read-only: cannot drop 'ev'

$ ctscan sql -d i.db 'DROP INDEX ev_ts'
? 4
! ctscan: sql: the index is read-only: cannot drop 'ev_ts'

$ ctscan sql -d i.db 'ALTER TABLE ev ADD COLUMN note TEXT'
? 4
! ctscan: sql: the index is read-only: cannot alter 'ev'

$ ctscan sql -d i.db "ATTACH 'other.db' AS other"
? 4
! ctscan: sql: ATTACH is not allowed

$ ctscan sql -d i.db 'DETACH temp'
? 4
! ctscan: sql: DETACH is not allowed

$ ctscan sql -d i.db 'PRAGMA writable_schema = 1'
? 4
! ctscan: sql: PRAGMA writable_schema = 1 is not allowed (the index is read-only)

$ ctscan sql -d i.db 'PRAGMA journal_mode = DELETE'
? 4
! ctscan: sql: PRAGMA journal_mode = DELETE is not allowed (the index is read-only)

$ ctscan sql -d i.db 'SELECT * FROM pragma_writable_schema'
? 4
! ctscan: sql: PRAGMA writable_schema is not allowed

$ ctscan sql -d i.db "SELECT load_extension('/tmp/evil.so')"
? 4
! ctscan: sql: load_extension() is not allowed

$ ctscan sql -d i.db 'VACUUM'
? 4
! ctscan: sql: VACUUM is not allowed (the index is read-only)

$ ctscan sql -d i.db "VACUUM INTO 'copy.db'"
? 4
! ctscan: sql: VACUUM is not allowed (the index is read-only)

$ ctscan sql -d i.db 'ANALYZE'
? 4
! ctscan: sql: the index is read-only: cannot ANALYZE

$ ctscan sql -d i.db 'CREATE VIRTUAL TABLE temp.f USING fts5(x)'
? 4
! ctscan: sql: virtual tables cannot be created or dropped ('f')

$ ctscan sql -d i.db 'DELETE FROM sqlite_master'
? 4
! ctscan: sql: table sqlite_master may not be modified

# reading settings is allowed
$ ctscan sql -d i.db -o csv 'PRAGMA journal_mode; PRAGMA user_version'
> journal_mode
> wal
>
> user_version
> 3

$ ctscan sql -d i.db -o csv "SELECT name FROM pragma_table_info('strs')"
> name
> id
> s

# the index file is unchanged by all of the above
$ test ! -e other.db && test ! -e copy.db && ctscan sql -d i.db -o raw "SELECT count(*) FROM sqlite_master WHERE name IN ('notes', 'v', 'ev_ip2')"
> 0

# in a script, the statements before a refused one have run; the error
# names the line
$ printf '%s\n' 'SELECT 1 AS a;' 'SELECT 2 AS b;' 'DELETE FROM ev;' 'SELECT 3 AS c;' > s.sql && ctscan sql -d i.db -o csv -f s.sql
? 4
> a
> 1
>
> b
> 2
! ctscan: sql: s.sql:3: the index is read-only: cannot delete from 'ev' (TEMP tables may be written)

# errors in the SQL itself: exit 4
$ ctscan sql -d i.db 'SELEC 1'
? 4
! ctscan: sql: near "SELEC": syntax error

$ ctscan sql -d i.db $'SELECT 1;\nSELEC 2'
? 4
> 1
> -
> 1
! ctscan: sql: line 2: near "SELEC": syntax error

$ ctscan sql -d i.db 'SELECT nosuch FROM events'
? 4
! ctscan: sql: no such column: nosuch

# the SQL functions
$ ctscan sql -d i.db -o csv "SELECT 'AssumeRole' REGEXP '^Assume' AS op, regexp('(?i)^assume', 'AssumeRole') AS fn, 'x' REGEXP '^y' AS no, NULL REGEXP 'x' AS null_text"
> op,fn,no,null_text
> 1,1,0,

$ ctscan sql -d i.db -o csv "SELECT cidr_match('10.0.5.17', '10.0.0.0/16') AS v4, cidr_match('2001:db8:4f2a::17', '2001:db8::/32') AS v6, cidr_match('::ffff:10.0.5.17', '10.0.0.0/8') AS mapped, cidr_match('192.0.2.1', '10.0.0.0/8') AS outside, cidr_match('AWS Internal', '10.0.0.0/8') AS name"
> v4,v6,mapped,outside,name
> 1,1,1,0,

$ ctscan sql -d i.db "SELECT cidr_match('10.0.0.1', '10.0.0.0/33')"
? 4
! ctscan: sql: invalid CIDR '10.0.0.0/33'

$ ctscan sql -d i.db "SELECT 'a' REGEXP '('"
? 4
! ctscan: sql: invalid regular expression '(': missing closing parenthesis at offset 1

$ ctscan sql -d i.db -o csv "SELECT ip_is_private('10.0.5.17') AS rfc1918, ip_is_private('100.64.0.1') AS cgnat, ip_is_private('fd00::1') AS ula, ip_is_private('203.0.113.66') AS public, ip_is_private('ec2.amazonaws.com') AS name"
> rfc1918,cgnat,ula,public,name
> 1,1,1,0,

$ ctscan sql -d i.db -o csv "SELECT ip_version('203.0.113.66') AS a, ip_version('2001:db8::1') AS b, ip_version('010.0.0.1') AS c, ip_version('AWS Internal') AS d"
> a,b,c,d
> 4,6,,

$ ctscan sql -d i.db -o csv "SELECT ts_iso(1710250800000) AS iso, ts_iso(1710250800250) AS ms, ts_ms('2024-03-12T13:40:00Z') AS z, ts_ms('2024-03-12T14:40:00.250+01:00') AS offset, ts_ms('2024-03-12') AS date, ts_ms('yesterday') AS bad, ts_iso(NULL) AS null_ms"
> iso,ms,z,offset,date,bad,null_ms
> 2024-03-12T13:40:00.000Z,2024-03-12T13:40:00.250Z,1710250800000,1710250800250,1710201600000,,

# the functions over the index: the largest transfers out of the VPC
$ ctscan sql -d i.db "SELECT ts_iso(start) AS start, srcaddr, dstaddr, dstport, bytes FROM flows WHERE ip_is_private(dstaddr) = 0 AND cidr_match(srcaddr, '10.0.0.0/16') ORDER BY bytes DESC, start LIMIT 3"
> start                     srcaddr    dstaddr        dstport      bytes
> ------------------------  ---------  -------------  -------  ---------
> 2024-03-12T14:24:00.000Z  10.0.5.17  198.51.100.23      443  117629608
> 2024-03-12T14:23:00.000Z  10.0.5.17  198.51.100.23      443  116395041
> 2024-03-12T14:22:00.000Z  10.0.5.17  198.51.100.23      443  115160474

$ ctscan sql -d i.db -o csv "SELECT event_name, source_ip_address FROM events WHERE ip_version(source_ip_address) = 6 AND event_name REGEXP 'Console|Trail' ORDER BY event_ts"
> event_name,source_ip_address
> ConsoleLogin,2001:db8:4f2a::17
> GetTrailStatus,2001:db8:4f2a::17
> DescribeTrails,2001:db8:4f2a::17

# event ids: a UUID is kept as two integers (ev.eid, the indexed half,
# and ev.event_id) and shown as its text again, whatever its first bit
$ ctscan sql -d i.db -o tsv "SELECT count(*), sum(v.event_id = json_extract(v.raw, '$.eventID')), sum(v.event_id >= '8'), sum(typeof(e.event_id) = 'integer' AND e.eid < 0) FROM events v JOIN ev e ON e.id = v.id"
> count(*)	sum(v.event_id = json_extract(v.raw, '$.eventID'))	sum(v.event_id >= '8')	sum(typeof(e.event_id) = 'integer' AND e.eid < 0)
> 170	170	87	87

# the lookup by id that ctscan show and trace make uses the index
$ ctscan sql -d i.db -o tsv "EXPLAIN QUERY PLAN SELECT id FROM ev WHERE eid = ct_event_eid('c54275a5-4165-4e4b-a17a-8c2b67ee5149') AND event_id = ct_event_key('c54275a5-4165-4e4b-a17a-8c2b67ee5149')" | cut -f4
> detail
> SEARCH ev USING INDEX ev_event_id (eid=?)

$ ctscan sql -d i.db -o tsv "SELECT event_name FROM events WHERE id IN (SELECT id FROM ev WHERE eid = ct_event_eid('c54275a5-4165-4e4b-a17a-8c2b67ee5149') AND event_id = ct_event_key('c54275a5-4165-4e4b-a17a-8c2b67ee5149'))"
> event_name
> DescribeInstances

# ctscan show: one id, several, an unknown one (reported, exit 4, the
# others still printed)
$ ctscan show -d i.db 5ed749e3-2ca3-4296-abd6-00ccd965f26f | cut -c1-80
> {"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAQ

$ ctscan show -d i.db 56d13778-7fb7-40b9-b26a-f32334274ae7 04ff8cb3-5644-4b20-83a8-08756c12472f | grep -o '"eventName":"[A-Za-z]*"'
> "eventName":"CreateUser"
> "eventName":"CreateAccessKey"

$ set -o pipefail; ctscan show -d i.db 00000000-0000-4000-8000-000000000000 04ff8cb3-5644-4b20-83a8-08756c12472f | grep -o '"eventName":"[A-Za-z]*"'
? 4
> "eventName":"CreateAccessKey"
! ctscan: no event with id '00000000-0000-4000-8000-000000000000' in the index

$ ctscan show -d i.db not-an-id
? 4
! ctscan: no event with id 'not-an-id' in the index

$ ctscan show -d i.db
? 2
! ctscan: show needs at least one EVENTID
! usage: ctscan show [-d INDEX] EVENTID...
! Try 'ctscan show --help' for more information.
