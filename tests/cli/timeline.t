# ctscan timeline over the sample incident (testdata/incident/README.txt):
# every filter, --flows, --columns, and the order of equal times.
$ ctscan ingest -q -d i.db "$TESTDATA/incident" 2>/dev/null && ctscan ingest -q -d o.db "$TESTDATA/output/records.json" "$TESTDATA/output/flows.log" 2>/dev/null

# the default columns, piped: plain and not cut
$ ctscan timeline -d i.db --since 2024-03-12T13:44Z --until 2024-03-12T13:48Z
> time                      account       region     identity                          access_key            source_ip     service  event                     error         detail
> ------------------------  ------------  ---------  --------------------------------  --------------------  ------------  -------  ------------------------  ------------  --------------------------------------------------------------------------------------
> 2024-03-12T13:44:12.000Z  111122223333  us-east-1  dev-alice                         AKIAQXEXAMPLEALICE01  203.0.113.66  sts      AssumeRole                              arn:aws:iam::111122223333:role/ops-deploy session=alice -> ASIAQXEXAMPLEOPSDEP1
> 2024-03-12T13:44:30.000Z  111122223333  us-east-1  ops-deploy/alice                  ASIAQXEXAMPLEOPSDEP1  203.0.113.66  sts      GetCallerIdentity
> 2024-03-12T13:44:47.000Z  111122223333  us-east-1  ops-deploy/alice                  ASIAQXEXAMPLEOPSDEP1  203.0.113.66  iam      ListAttachedRolePolicies                role=ops-deploy
> 2024-03-12T13:45:03.000Z  111122223333  us-east-1  ops-deploy/alice                  ASIAQXEXAMPLEOPSDEP1  203.0.113.66  iam      GetRole                                 role=admin-break-glass
> 2024-03-12T13:45:20.000Z  111122223333  us-east-1  ops-deploy/alice                  ASIAQXEXAMPLEOPSDEP1  203.0.113.66  iam      CreateUser                AccessDenied  user=svc-monitor
> 2024-03-12T13:46:02.000Z  111122223333  us-east-1  ops-deploy/alice                  ASIAQXEXAMPLEOPSDEP1  203.0.113.66  sts      AssumeRole                              arn:aws:iam::111122223333:role/admin-break-glass session=maint -> ASIAQXEXAMPLEBRKGLS2
> 2024-03-12T13:46:19.000Z  111122223333  us-east-1  admin-break-glass/maint           ASIAQXEXAMPLEBRKGLS2  203.0.113.66  sts      GetCallerIdentity
> 2024-03-12T13:47:05.000Z  111122223333  us-east-1  admin-break-glass/maint           ASIAQXEXAMPLEBRKGLS2  203.0.113.66  iam      CreateUser                              user=backdoor-svc
> 2024-03-12T13:47:24.000Z  111122223333  us-east-1  web-app-role/i-0123456789abcdef0  ASIAQXEXAMPLEWEBAPP2  10.0.1.25     s3       GetObject                               acme-app-config/web/prod/config.json
> 2024-03-12T13:47:31.000Z  111122223333  us-east-1  admin-break-glass/maint           ASIAQXEXAMPLEBRKGLS2  203.0.113.66  iam      CreateAccessKey                         user=backdoor-svc key=AKIAQXEXAMPLEBKDOOR3
> 2024-03-12T13:47:52.000Z  111122223333  us-east-1  admin-break-glass/maint           ASIAQXEXAMPLEBRKGLS2  203.0.113.66  iam      AttachUserPolicy                        user=backdoor-svc policy=arn:aws:iam::aws:policy/AdministratorAccess

# --since and --until: a date alone is midnight; a time with a zone offset
$ ctscan timeline -d i.db --since 2024-03-12 --until 2024-03-12T08:02Z -c time,event
> time                      event
> ------------------------  ----------
> 2024-03-12T07:58:02.000Z  AssumeRole
> 2024-03-12T08:01:00.000Z  Decrypt

$ ctscan timeline -d i.db --since 2024-03-12T14:41:00+01:00 --until 2024-03-12T13:41:52.000Z -c time,event
> time                      event
> ------------------------  ------------------------------
> 2024-03-12T13:41:07.000Z  GetCallerIdentity
> 2024-03-12T13:41:38.000Z  ListUsers
> 2024-03-12T13:41:52.000Z  GetAccountAuthorizationDetails

# an instant is inclusive at both ends, to the millisecond
$ ctscan timeline -d i.db --since 2024-03-12T13:41:52Z --until 2024-03-12T13:41:52Z -c time,event
> time                      event
> ------------------------  ------------------------------
> 2024-03-12T13:41:52.000Z  GetAccountAuthorizationDetails

$ ctscan timeline -d i.db --since 2024-03-12T13:41:52.001Z --until 2024-03-12T13:42:05Z -c time,event
> time                      event
> ------------------------  ------------------------
> 2024-03-12T13:42:05.000Z  ListAttachedUserPolicies

# epoch seconds
$ ctscan timeline -d i.db --since 1710250800 --until 1710250920 -c time,event
> time                      event
> ------------------------  ------------------------------
> 2024-03-12T13:41:07.000Z  GetCallerIdentity
> 2024-03-12T13:41:38.000Z  ListUsers
> 2024-03-12T13:41:52.000Z  GetAccountAuthorizationDetails

# a time ago: the incident is long past
$ ctscan timeline -d i.db --since 30s -o ndjson | wc -l
> 0

$ ctscan timeline -d i.db --since 90m -o ndjson | wc -l
> 0

$ ctscan timeline -d i.db --since 24h -o ndjson | wc -l
> 0

$ ctscan timeline -d i.db --until 7d -o ndjson | wc -l
> 170

$ ctscan timeline -d i.db --until 2w -o ndjson | wc -l
> 170

$ ctscan timeline -d i.db --since 30000d -o ndjson | wc -l
> 170

$ ctscan timeline -d i.db --since 5y
? 2
! ctscan: --since: cannot read '5y' as a time (ISO-8601 such as 2024-03-12T10:00:00Z, epoch seconds, or a time ago such as 90m, 24h, 7d)
! usage: ctscan timeline [-d INDEX] [filters] [--flows] [-c COLUMNS] [-n LIMIT] [-o FORMAT]
! Try 'ctscan timeline --help' for more information.

$ ctscan timeline -d i.db --since 2024-03-13 --until 2024-03-12
? 2
! ctscan: --since is after --until: nothing can match
! usage: ctscan timeline [-d INDEX] [filters] [--flows] [-c COLUMNS] [-n LIMIT] [-o FORMAT]
! Try 'ctscan timeline --help' for more information.

# --access-key, once and twice (either key)
$ ctscan timeline -d i.db --access-key AKIAQXEXAMPLEBKDOOR3 -c time,identity,source_ip,event,detail
> time                      identity      source_ip      event                          detail
> ------------------------  ------------  -------------  -----------------------------  ----------------------------------------------------------------------------------
> 2024-03-12T13:52:09.000Z  backdoor-svc  198.51.100.23  GetCallerIdentity
> 2024-03-12T13:52:33.000Z  backdoor-svc  198.51.100.23  ListBuckets
> 2024-03-12T13:52:47.000Z  backdoor-svc  198.51.100.23  ListObjects                    acme-prod-customer-data
> 2024-03-12T13:53:05.000Z  backdoor-svc  198.51.100.23  GetObject                      acme-prod-customer-data/exports/customers-2024-02.csv.gz
> 2024-03-12T13:53:24.000Z  backdoor-svc  198.51.100.23  GetObject                      acme-prod-customer-data/exports/customers-2024-03.csv.gz
> 2024-03-12T13:53:43.000Z  backdoor-svc  198.51.100.23  GetObject                      acme-prod-customer-data/exports/payment-methods-2024-03.csv.gz
> 2024-03-12T13:54:02.000Z  backdoor-svc  198.51.100.23  GetObject                      acme-prod-customer-data/backups/crm/crm-db-2024-03-11.sql.gz
> 2024-03-12T13:55:40.000Z  backdoor-svc  198.51.100.23  DeleteBucketPublicAccessBlock  acme-prod-customer-data
> 2024-03-12T13:55:58.000Z  backdoor-svc  198.51.100.23  PutBucketPolicy                acme-prod-customer-data
> 2024-03-12T13:57:12.000Z  backdoor-svc  198.51.100.23  AuthorizeSecurityGroupIngress  sg-0a1b2c3d4e5f60718 tcp/22 from 0.0.0.0/0
> 2024-03-12T13:58:40.000Z  backdoor-svc  198.51.100.23  RunInstances                   i-0abc1234def567890 ami-0c101f26f147fa7fd t3.large eni-0abc1234def567890 10.0.5.17
> 2024-03-12T13:59:31.000Z  backdoor-svc  198.51.100.23  DescribeInstances              i-0abc1234def567890
> 2024-03-12T14:20:45.000Z  backdoor-svc  198.51.100.23  GetBucketPolicyStatus          acme-prod-customer-data

$ ctscan timeline -d i.db --access-key ASIAQXEXAMPLEOPSDEP1 --access-key ASIAQXEXAMPLEBRKGLS2 -c time,access_key,identity,event
> time                      access_key            identity                 event
> ------------------------  --------------------  -----------------------  ------------------------
> 2024-03-12T13:44:30.000Z  ASIAQXEXAMPLEOPSDEP1  ops-deploy/alice         GetCallerIdentity
> 2024-03-12T13:44:47.000Z  ASIAQXEXAMPLEOPSDEP1  ops-deploy/alice         ListAttachedRolePolicies
> 2024-03-12T13:45:03.000Z  ASIAQXEXAMPLEOPSDEP1  ops-deploy/alice         GetRole
> 2024-03-12T13:45:20.000Z  ASIAQXEXAMPLEOPSDEP1  ops-deploy/alice         CreateUser
> 2024-03-12T13:46:02.000Z  ASIAQXEXAMPLEOPSDEP1  ops-deploy/alice         AssumeRole
> 2024-03-12T13:46:19.000Z  ASIAQXEXAMPLEBRKGLS2  admin-break-glass/maint  GetCallerIdentity
> 2024-03-12T13:47:05.000Z  ASIAQXEXAMPLEBRKGLS2  admin-break-glass/maint  CreateUser
> 2024-03-12T13:47:31.000Z  ASIAQXEXAMPLEBRKGLS2  admin-break-glass/maint  CreateAccessKey
> 2024-03-12T13:47:52.000Z  ASIAQXEXAMPLEBRKGLS2  admin-break-glass/maint  AttachUserPolicy
> 2024-03-12T13:48:14.000Z  ASIAQXEXAMPLEBRKGLS2  admin-break-glass/maint  ImportKeyPair

# --principal: an identity ARN, a user name, a role's name or ARN behind
# its sessions, a session's ARN
$ ctscan timeline -d i.db --principal arn:aws:iam::111122223333:user/system/backdoor-svc -c time,identity,event -n 3
> time                      identity      event
> ------------------------  ------------  -----------------
> 2024-03-12T13:52:09.000Z  backdoor-svc  GetCallerIdentity
> 2024-03-12T13:52:33.000Z  backdoor-svc  ListBuckets
> 2024-03-12T13:52:47.000Z  backdoor-svc  ListObjects

$ ctscan timeline -d i.db --principal dev-bob -c time,identity,source_ip,event
> time                      identity  source_ip          event
> ------------------------  --------  -----------------  -----------------------------
> 2024-03-12T08:02:41.000Z  dev-bob   2001:db8:4f2a::17  ConsoleLogin
> 2024-03-12T08:03:10.000Z  dev-bob   2001:db8:4f2a::17  DescribeInstances
> 2024-03-12T08:03:12.000Z  dev-bob   2001:db8:4f2a::17  DescribeSecurityGroups
> 2024-03-12T08:04:55.000Z  dev-bob   2001:db8:4f2a::17  GetMetricData
> 2024-03-12T08:05:30.000Z  dev-bob   2001:db8:4f2a::17  ListBuckets
> 2024-03-12T08:05:44.000Z  dev-bob   2001:db8:4f2a::17  GetBucketPolicy
> 2024-03-12T08:06:02.000Z  dev-bob   2001:db8:4f2a::17  ListFunctions20150331
> 2024-03-12T08:07:19.000Z  dev-bob   2001:db8:4f2a::17  GetTrailStatus
> 2024-03-12T08:07:20.000Z  dev-bob   2001:db8:4f2a::17  DescribeTrails
> 2024-03-12T08:12:37.000Z  dev-bob   2001:db8:4f2a::17  AuthorizeSecurityGroupIngress
> 2024-03-12T08:15:02.000Z  dev-bob   2001:db8:4f2a::17  GetSecretValue

$ ctscan timeline -d i.db --principal ops-deploy -c time,identity,event,error
> time                      identity          event                     error
> ------------------------  ----------------  ------------------------  ------------
> 2024-03-12T13:44:30.000Z  ops-deploy/alice  GetCallerIdentity
> 2024-03-12T13:44:47.000Z  ops-deploy/alice  ListAttachedRolePolicies
> 2024-03-12T13:45:03.000Z  ops-deploy/alice  GetRole
> 2024-03-12T13:45:20.000Z  ops-deploy/alice  CreateUser                AccessDenied
> 2024-03-12T13:46:02.000Z  ops-deploy/alice  AssumeRole

$ ctscan timeline -d i.db --principal arn:aws:iam::111122223333:role/admin-break-glass -c time,identity,event
> time                      identity                 event
> ------------------------  -----------------------  -----------------
> 2024-03-12T13:46:19.000Z  admin-break-glass/maint  GetCallerIdentity
> 2024-03-12T13:47:05.000Z  admin-break-glass/maint  CreateUser
> 2024-03-12T13:47:31.000Z  admin-break-glass/maint  CreateAccessKey
> 2024-03-12T13:47:52.000Z  admin-break-glass/maint  AttachUserPolicy
> 2024-03-12T13:48:14.000Z  admin-break-glass/maint  ImportKeyPair

$ ctscan timeline -d i.db --principal arn:aws:sts::111122223333:assumed-role/ops-deploy/alice -o ndjson | wc -l
> 5

# nothing matches: no output at all, status 0; an ARN is compared whole,
# with the user's path (/system/)
$ ctscan timeline -d i.db --principal nobody

$ ctscan timeline -d i.db --principal arn:aws:iam::111122223333:user/backdoor-svc

# --ip: an IPv4 address, an IPv4 network, IPv6 in another spelling, an
# IPv6 network; a name is not an address
$ ctscan timeline -d i.db --ip 203.0.113.66 --until 2024-03-12T13:42:10Z -c time,source_ip,event,error
> time                      source_ip     event                           error
> ------------------------  ------------  ------------------------------  ------------
> 2024-03-12T13:41:07.000Z  203.0.113.66  GetCallerIdentity
> 2024-03-12T13:41:38.000Z  203.0.113.66  ListUsers                       AccessDenied
> 2024-03-12T13:41:52.000Z  203.0.113.66  GetAccountAuthorizationDetails  AccessDenied
> 2024-03-12T13:42:05.000Z  203.0.113.66  ListAttachedUserPolicies        AccessDenied

$ ctscan timeline -d i.db --ip 198.51.100.0/24 --until 2024-03-12T13:53Z -c time,source_ip,identity,event
> time                      source_ip      identity      event
> ------------------------  -------------  ------------  -----------------
> 2024-03-12T13:52:09.000Z  198.51.100.23  backdoor-svc  GetCallerIdentity
> 2024-03-12T13:52:33.000Z  198.51.100.23  backdoor-svc  ListBuckets
> 2024-03-12T13:52:47.000Z  198.51.100.23  backdoor-svc  ListObjects

$ ctscan timeline -d i.db --ip 2001:db8:4f2a:0:0:0:0:17 --until 2024-03-12T08:05Z -c time,source_ip,event
> time                      source_ip          event
> ------------------------  -----------------  ----------------------
> 2024-03-12T08:02:41.000Z  2001:db8:4f2a::17  ConsoleLogin
> 2024-03-12T08:03:10.000Z  2001:db8:4f2a::17  DescribeInstances
> 2024-03-12T08:03:12.000Z  2001:db8:4f2a::17  DescribeSecurityGroups
> 2024-03-12T08:04:55.000Z  2001:db8:4f2a::17  GetMetricData

$ ctscan timeline -d i.db --ip 2001:db8::/32 -o ndjson | wc -l
> 11

$ ctscan timeline -d i.db --ip ::/0 --ip 2001:db8:4f2a::17 -o ndjson | wc -l
> 11

$ ctscan timeline -d i.db --ip 10.0.0.300
? 2
! ctscan: --ip: '10.0.0.300' is not an IP address or a CIDR (10.0.0.5, 10.0.0.0/8, 2001:db8::/32)
! usage: ctscan timeline [-d INDEX] [filters] [--flows] [-c COLUMNS] [-n LIMIT] [-o FORMAT]
! Try 'ctscan timeline --help' for more information.

$ ctscan timeline -d i.db --ip ec2.amazonaws.com
? 2
! ctscan: --ip: 'ec2.amazonaws.com' is not an IP address or a CIDR (10.0.0.5, 10.0.0.0/8, 2001:db8::/32)
! usage: ctscan timeline [-d INDEX] [filters] [--flows] [-c COLUMNS] [-n LIMIT] [-o FORMAT]
! Try 'ctscan timeline --help' for more information.

# --event and --source: PCRE2, unanchored unless anchored
$ ctscan timeline -d i.db --event '^(Create|Attach)' -c time,event,error,detail
> time                      event             error         detail
> ------------------------  ----------------  ------------  --------------------------------------------------------------------
> 2024-03-12T13:45:20.000Z  CreateUser        AccessDenied  user=svc-monitor
> 2024-03-12T13:47:05.000Z  CreateUser                      user=backdoor-svc
> 2024-03-12T13:47:31.000Z  CreateAccessKey                 user=backdoor-svc key=AKIAQXEXAMPLEBKDOOR3
> 2024-03-12T13:47:52.000Z  AttachUserPolicy                user=backdoor-svc policy=arn:aws:iam::aws:policy/AdministratorAccess

$ ctscan timeline -d i.db --event '(?i)^getcalleridentity$' -c time,identity,event
> time                      identity                 event
> ------------------------  -----------------------  -----------------
> 2024-03-12T13:41:07.000Z  dev-alice                GetCallerIdentity
> 2024-03-12T13:44:30.000Z  ops-deploy/alice         GetCallerIdentity
> 2024-03-12T13:46:19.000Z  admin-break-glass/maint  GetCallerIdentity
> 2024-03-12T13:52:09.000Z  backdoor-svc             GetCallerIdentity

$ ctscan timeline -d i.db --source '^sts\.' --since 2024-03-12T13:00Z --until 2024-03-12T14:00Z -c time,identity,event,detail
> time                      identity                 event              detail
> ------------------------  -----------------------  -----------------  --------------------------------------------------------------------------------------
> 2024-03-12T13:41:07.000Z  dev-alice                GetCallerIdentity
> 2024-03-12T13:44:12.000Z  dev-alice                AssumeRole         arn:aws:iam::111122223333:role/ops-deploy session=alice -> ASIAQXEXAMPLEOPSDEP1
> 2024-03-12T13:44:30.000Z  ops-deploy/alice         GetCallerIdentity
> 2024-03-12T13:46:02.000Z  ops-deploy/alice         AssumeRole         arn:aws:iam::111122223333:role/admin-break-glass session=maint -> ASIAQXEXAMPLEBRKGLS2
> 2024-03-12T13:46:19.000Z  admin-break-glass/maint  GetCallerIdentity
> 2024-03-12T13:52:09.000Z  backdoor-svc             GetCallerIdentity

$ ctscan timeline -d i.db --event '('
? 2
! ctscan: --event '(': invalid regular expression '(': missing closing parenthesis at offset 1

# --region and --account
$ ctscan timeline -d i.db --region us-west-2 --region eu-west-1 -c time,region,identity,event
> time                      region     identity   event
> ------------------------  ---------  ---------  -----------------
> 2024-03-12T13:43:17.000Z  us-west-2  dev-alice  DescribeInstances
> 2024-03-12T13:43:24.000Z  eu-west-1  dev-alice  DescribeInstances

$ ctscan timeline -d i.db --account 111122223333 -o ndjson | wc -l
> 170

$ ctscan timeline -d i.db --account 999999999999 -o ndjson | wc -l
> 0

# --errors: failed calls only
$ ctscan timeline -d i.db --errors -c time,identity,event,error
> time                      identity          event                           error
> ------------------------  ----------------  ------------------------------  ------------
> 2024-03-12T08:15:02.000Z  dev-bob           GetSecretValue                  AccessDenied
> 2024-03-12T13:41:38.000Z  dev-alice         ListUsers                       AccessDenied
> 2024-03-12T13:41:52.000Z  dev-alice         GetAccountAuthorizationDetails  AccessDenied
> 2024-03-12T13:42:05.000Z  dev-alice         ListAttachedUserPolicies        AccessDenied
> 2024-03-12T13:42:58.000Z  dev-alice         ListObjects                     AccessDenied
> 2024-03-12T13:43:40.000Z  dev-alice         ListSecrets                     AccessDenied
> 2024-03-12T13:45:20.000Z  ops-deploy/alice  CreateUser                      AccessDenied

# --read-only and --no-read-only
$ ctscan timeline -d i.db --no-read-only --since 2024-03-12T13:40Z --until 2024-03-12T14:30Z -c time,identity,event
> time                      identity                 event
> ------------------------  -----------------------  -----------------------------
> 2024-03-12T13:44:12.000Z  dev-alice                AssumeRole
> 2024-03-12T13:45:20.000Z  ops-deploy/alice         CreateUser
> 2024-03-12T13:46:02.000Z  ops-deploy/alice         AssumeRole
> 2024-03-12T13:47:05.000Z  admin-break-glass/maint  CreateUser
> 2024-03-12T13:47:31.000Z  admin-break-glass/maint  CreateAccessKey
> 2024-03-12T13:47:52.000Z  admin-break-glass/maint  AttachUserPolicy
> 2024-03-12T13:48:14.000Z  admin-break-glass/maint  ImportKeyPair
> 2024-03-12T13:55:40.000Z  backdoor-svc             DeleteBucketPublicAccessBlock
> 2024-03-12T13:55:58.000Z  backdoor-svc             PutBucketPolicy
> 2024-03-12T13:57:12.000Z  backdoor-svc             AuthorizeSecurityGroupIngress
> 2024-03-12T13:58:40.000Z  backdoor-svc             RunInstances

$ ctscan timeline -d i.db --read-only --access-key AKIAQXEXAMPLEBKDOOR3 -c time,event
> time                      event
> ------------------------  ---------------------
> 2024-03-12T13:52:09.000Z  GetCallerIdentity
> 2024-03-12T13:52:33.000Z  ListBuckets
> 2024-03-12T13:52:47.000Z  ListObjects
> 2024-03-12T13:53:05.000Z  GetObject
> 2024-03-12T13:53:24.000Z  GetObject
> 2024-03-12T13:53:43.000Z  GetObject
> 2024-03-12T13:54:02.000Z  GetObject
> 2024-03-12T13:59:31.000Z  DescribeInstances
> 2024-03-12T14:20:45.000Z  GetBucketPolicyStatus

$ echo $(ctscan timeline -d i.db --read-only -o ndjson | wc -l) $(ctscan timeline -d i.db --no-read-only -o ndjson | wc -l) $(ctscan sql -d i.db -o raw 'SELECT count(*) FROM events WHERE read_only IS NULL')
> 143 27 0

# filters combine with AND
$ ctscan timeline -d i.db --ip 203.0.113.66 --errors --source iam -c time,event,error
> time                      event                           error
> ------------------------  ------------------------------  ------------
> 2024-03-12T13:41:38.000Z  ListUsers                       AccessDenied
> 2024-03-12T13:41:52.000Z  GetAccountAuthorizationDetails  AccessDenied
> 2024-03-12T13:42:05.000Z  ListAttachedUserPolicies        AccessDenied
> 2024-03-12T13:45:20.000Z  CreateUser                      AccessDenied

# --where: any SQL expression over the events view; several must all hold
$ ctscan timeline -d i.db -w "json_extract(request_parameters, '$.policyArn') LIKE '%Administrator%'" -c time,identity,event,detail
> time                      identity                 event             detail
> ------------------------  -----------------------  ----------------  --------------------------------------------------------------------
> 2024-03-12T13:47:52.000Z  admin-break-glass/maint  AttachUserPolicy  user=backdoor-svc policy=arn:aws:iam::aws:policy/AdministratorAccess

$ ctscan timeline -d i.db -w "user_agent LIKE '%kali%'" -w "ip_is_private(source_ip_address) = 0" -w "event_name REGEXP '^Put'" -c time,source_ip,event,detail
> time                      source_ip      event            detail
> ------------------------  -------------  ---------------  -----------------------
> 2024-03-12T13:55:58.000Z  198.51.100.23  PutBucketPolicy  acme-prod-customer-data

# --where cannot write, end the statement or name what does not exist
$ ctscan timeline -d i.db -w "1); DELETE FROM ev; SELECT (1"
? 2
! ctscan: timeline: --where '1); DELETE FROM ev; SELECT (1': not one SQL expression (unbalanced parentheses, an unclosed quote or comment, or ';')

$ ctscan timeline -d i.db -w "load_extension('/tmp/evil.so') IS NULL"
? 4
! ctscan: timeline: --where 'load_extension('/tmp/evil.so') IS NULL': load_extension() is not allowed

$ ctscan timeline -d i.db -w "(SELECT count(*) FROM pragma_writable_schema) >= 0"
? 4
! ctscan: timeline: PRAGMA writable_schema is not allowed

$ ctscan timeline -d i.db -w "no_such_column = 1"
? 4
! ctscan: timeline: --where 'no_such_column = 1': no such column: no_such_column

# --flows: flow records interleaved by start time, with a kind column
$ ctscan timeline -d i.db --flows --ip 198.51.100.23 --since 2024-03-12T13:55Z --until 2024-03-12T14:07Z -c time,kind,identity,source_ip,event,detail
> time                      kind   identity               source_ip      event                          detail
> ------------------------  -----  ---------------------  -------------  -----------------------------  ----------------------------------------------------------------------------------
> 2024-03-12T13:55:40.000Z  event  backdoor-svc           198.51.100.23  DeleteBucketPublicAccessBlock  acme-prod-customer-data
> 2024-03-12T13:55:58.000Z  event  backdoor-svc           198.51.100.23  PutBucketPolicy                acme-prod-customer-data
> 2024-03-12T13:57:12.000Z  event  backdoor-svc           198.51.100.23  AuthorizeSecurityGroupIngress  sg-0a1b2c3d4e5f60718 tcp/22 from 0.0.0.0/0
> 2024-03-12T13:58:40.000Z  event  backdoor-svc           198.51.100.23  RunInstances                   i-0abc1234def567890 ami-0c101f26f147fa7fd t3.large eni-0abc1234def567890 10.0.5.17
> 2024-03-12T13:59:31.000Z  event  backdoor-svc           198.51.100.23  DescribeInstances              i-0abc1234def567890
> 2024-03-12T14:06:00.000Z  flow   eni-0abc1234def567890  10.0.5.17      ACCEPT                         10.0.5.17:40112 -> 198.51.100.23:443 tcp 95407402 bytes 61222 packets
> 2024-03-12T14:06:00.000Z  flow   eni-0abc1234def567890  198.51.100.23  ACCEPT                         198.51.100.23:443 -> 10.0.5.17:40112 tcp 1561926 bytes 30066 packets
> 2024-03-12T14:07:00.000Z  flow   eni-0abc1234def567890  10.0.5.17      ACCEPT                         10.0.5.17:40112 -> 198.51.100.23:443 tcp 96641969 bytes 61259 packets
> 2024-03-12T14:07:00.000Z  flow   eni-0abc1234def567890  198.51.100.23  ACCEPT                         198.51.100.23:443 -> 10.0.5.17:40112 tcp 1562247 bytes 30077 packets

$ ctscan timeline -d i.db --flows --ip 10.0.5.17 --flow-where 'dstport = 22' -n 2
> time                      kind  account       region  identity               access_key  source_ip     service  event   error  detail
> ------------------------  ----  ------------  ------  ---------------------  ----------  ------------  -------  ------  -----  ------------------------------------------------------------
> 2024-03-12T14:04:00.000Z  flow  111122223333          eni-0abc1234def567890              203.0.113.66  vpcflow  ACCEPT         203.0.113.66:51234 -> 10.0.5.17:22 tcp 4588 bytes 44 packets
> 2024-03-12T14:05:00.000Z  flow  111122223333          eni-0abc1234def567890              203.0.113.66  vpcflow  ACCEPT         203.0.113.66:51234 -> 10.0.5.17:22 tcp 4685 bytes 45 packets

$ ctscan timeline -d i.db --flow-where 'dstport = 22'
? 2
! ctscan: --flow-where needs --flows
! usage: ctscan timeline [-d INDEX] [filters] [--flows] [-c COLUMNS] [-n LIMIT] [-o FORMAT]
! Try 'ctscan timeline --help' for more information.

# --columns: timeline columns and events view columns; -n
$ ctscan timeline -d i.db --principal backdoor-svc -c event_time,event_name,aws_region,read_only,user_agent -n 3
> event_time                event_name         aws_region  read_only  user_agent
> ------------------------  -----------------  ----------  ---------  --------------------------------------------------------------------------------------------------------------------------------------------------------------
> 2024-03-12T13:52:09.000Z  GetCallerIdentity  us-east-1           1  Boto3/1.34.60 md/Botocore#1.34.60 ua/2.0 os/linux#6.6.9-kali1-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.60
> 2024-03-12T13:52:33.000Z  ListBuckets        us-east-1           1  Boto3/1.34.60 md/Botocore#1.34.60 ua/2.0 os/linux#6.6.9-kali1-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.60
> 2024-03-12T13:52:47.000Z  ListObjects        us-east-1           1  Boto3/1.34.60 md/Botocore#1.34.60 ua/2.0 os/linux#6.6.9-kali1-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.60

$ ctscan timeline -d i.db -c time,nosuch
? 2
! ctscan: timeline: unknown column 'nosuch' (timeline columns: kind, time, account, region, identity, access_key, source_ip, service, event, error, detail, event_id; or a column of the events view, see ctscan-schema(5))

$ ctscan timeline -d i.db extra
? 2
! ctscan: timeline takes no arguments, only options ('extra')
! usage: ctscan timeline [-d INDEX] [filters] [--flows] [-c COLUMNS] [-n LIMIT] [-o FORMAT]
! Try 'ctscan timeline --help' for more information.

# equal times: events before flows, then in the order they were ingested
# (file order), every time
$ ctscan timeline -d o.db --flows -c time,kind,event_id,event
> time                      kind   event_id                              event
> ------------------------  -----  ------------------------------------  ------------
> 2024-03-12T11:59:30.000Z  event  0b7e6c2a-5e5e-4f4f-9a9a-000000000001  GetObject
> 2024-03-12T12:00:00.000Z  event  0b7e6c2a-5e5e-4f4f-9a9a-000000000002  PutObject
> 2024-03-12T12:00:00.000Z  event  0b7e6c2a-5e5e-4f4f-9a9a-000000000003  GetObject
> 2024-03-12T12:00:00.000Z  event  0b7e6c2a-5e5e-4f4f-9a9a-000000000004  DeleteObject
> 2024-03-12T12:00:00.000Z  flow                                         ACCEPT
> 2024-03-12T12:00:01.000Z  event  0b7e6c2a-5e5e-4f4f-9a9a-000000000005  GetObject
> 2024-03-12T12:00:02.000Z  event  0b7e6c2a-5e5e-4f4f-9a9a-000000000006  GetBucketAcl

$ ctscan timeline -d o.db --flows -c time,kind,event_id,event -o csv --since 2024-03-12T12:00Z --until 2024-03-12T12:00Z
> time,kind,event_id,event
> 2024-03-12T12:00:00.000Z,event,0b7e6c2a-5e5e-4f4f-9a9a-000000000002,PutObject
> 2024-03-12T12:00:00.000Z,event,0b7e6c2a-5e5e-4f4f-9a9a-000000000003,GetObject
> 2024-03-12T12:00:00.000Z,event,0b7e6c2a-5e5e-4f4f-9a9a-000000000004,DeleteObject
> 2024-03-12T12:00:00.000Z,flow,,ACCEPT

# -o raw reads the records a window of keys at a time, block by block, and
# puts them back in time order: 40,000 events of five sources (more than
# one window), each record once and in the order of ctscan sql
$ "$TESTDATA/../tests/gen-corpus.sh" big 40 1000 5 && ctscan ingest -q -d big.db big 2>/dev/null && ctscan timeline -d big.db -o raw > t.out && ctscan sql -d big.db -o raw 'SELECT raw FROM events ORDER BY event_ts, id' | cmp - t.out && wc -l < t.out
> 40000
