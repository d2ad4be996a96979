# ctscan's global options, help and usage errors
$ ctscan --version
>~ ctscan 0.1.0 (sqlite *)

$ ctscan
? 2
! usage: ctscan [--version] [--help] COMMAND [ARGS]
! Try 'ctscan --help' for the list of commands.

$ ctscan frob
? 2
! ctscan: unknown command 'frob'
! usage: ctscan [--version] [--help] COMMAND [ARGS]
! Try 'ctscan --help' for the list of commands.

$ ctscan --frob
? 2
! ctscan: unknown option '--frob'
! usage: ctscan [--version] [--help] COMMAND [ARGS]
! Try 'ctscan --help' for the list of commands.

$ ctscan i
? 2
! ctscan: ambiguous command 'i', could be: ingest info

$ ctscan inf -d nope.db
? 2
! ctscan: 'nope.db': no index here: run 'ctscan ingest -d nope.db PATH...' first (or set -d / $CTSCAN_DB)

$ ctscan ingest
? 2
! ctscan: ingest needs at least one PATH (a file, a directory, or - for standard input)
! usage: ctscan ingest [-d INDEX] [-j JOBS] [-q] [--flow-format FORMAT] PATH...
! Try 'ctscan ingest --help' for more information.

$ ctscan ingest -j 0 x
? 2
! ctscan: -j takes a number of jobs from 1 to 64, not '0'
! usage: ctscan ingest [-d INDEX] [-j JOBS] [-q] [--flow-format FORMAT] PATH...
! Try 'ctscan ingest --help' for more information.

$ ctscan detect -j 65 2>&1 | head -1
> ctscan: -j takes a number of jobs from 1 to 64, not '65'

$ ctscan ingest --bogus x
? 2
! ctscan: unknown option '--bogus'
! usage: ctscan ingest [-d INDEX] [-j JOBS] [-q] [--flow-format FORMAT] PATH...
! Try 'ctscan ingest --help' for more information.

$ ctscan ingest -d
? 2
! ctscan: option '-d' needs a value
! usage: ctscan ingest [-d INDEX] [-j JOBS] [-q] [--flow-format FORMAT] PATH...
! Try 'ctscan ingest --help' for more information.

$ ctscan show -x
? 2
! ctscan: unknown option '-x'
! usage: ctscan show [-d INDEX] EVENTID...
! Try 'ctscan show --help' for more information.

$ ctscan help nosuch
? 2
! ctscan: unknown command 'nosuch'
! usage: ctscan [--version] [--help] COMMAND [ARGS]
! Try 'ctscan --help' for the list of commands.


# every command's help names a man page that exists
$ for c in ingest info show timeline sql summary trace verify custody detect rules; do p=$(ctscan $c --help | sed -n 's/^See \(ctscan[a-z-]*\)(\([0-9]\)) for details\.$/\1.\2/p'); test -f "$TESTDATA/../man/$p" && echo "$c $p"; done
> ingest ctscan.1
> info ctscan.1
> show ctscan.1
> timeline ctscan-timeline.1
> sql ctscan-sql.1
> summary ctscan-summary.1
> trace ctscan-trace.1
> verify ctscan-verify.1
> custody ctscan-custody.1
> detect ctscan-detect.1
> rules ctscan-detect.1

# an index of another schema version is refused with what to do (the
# version is the big-endian word at offset 60 of the SQLite header)
$ ctscan ingest -q -d old.db "$TESTDATA/cloudtrail/array.json" 2>/dev/null && printf '\000\000\000\002' | dd of=old.db bs=1 seek=60 conv=notrunc 2>/dev/null && ctscan info -d old.db
? 5
! ctscan: 'old.db': index schema version 2 was made by an older ctscan (this one reads version 3): ingest the logs again into a new index

$ printf '\000\000\000\143' | dd of=old.db bs=1 seek=60 conv=notrunc 2>/dev/null && ctscan timeline -d old.db
? 5
! ctscan: 'old.db': index schema version 99 is newer than this ctscan supports (3): upgrade ctscan
