# ctscan summary: one row per entity of the sample incident (testdata/incident),
# the ones to look at first on top.
$ ctscan ingest -q -d i.db "$TESTDATA/incident" >/dev/null 2>&1

# --by identity (the default): failures, then abused APIs, then the rarest
$ ctscan summary -d i.db -o tsv | cut -f1-9
> identity	first_seen	last_seen	events	event_names	success	failures	abused	abused_calls
> arn:aws:iam::111122223333:user/dev-alice	2024-03-12T09:02:11.000Z	2024-03-12T16:40:18.000Z	27	16	22	5	16	DescribeInstances (6), AssumeRole (1), GetAccountAuthorizationDetails (1), +8 more
> arn:aws:iam::111122223333:user/dev-bob	2024-03-12T08:02:41.000Z	2024-03-12T08:15:02.000Z	11	11	10	1	6	AuthorizeSecurityGroupIngress (1), DescribeInstances (1), GetBucketPolicy (1), +3 more
> arn:aws:sts::111122223333:assumed-role/ops-deploy/alice	2024-03-12T13:44:30.000Z	2024-03-12T13:46:02.000Z	5	5	4	1	4	AssumeRole (1), CreateUser (1), GetCallerIdentity (1), +1 more
> arn:aws:iam::111122223333:user/system/backdoor-svc	2024-03-12T13:52:09.000Z	2024-03-12T14:20:45.000Z	13	10	13	0	7	AuthorizeSecurityGroupIngress (1), DeleteBucketPublicAccessBlock (1), DescribeInstances (1), +4 more
> arn:aws:sts::111122223333:assumed-role/admin-break-glass/maint	2024-03-12T13:46:19.000Z	2024-03-12T13:48:14.000Z	5	5	5	0	5	AttachUserPolicy (1), CreateAccessKey (1), CreateUser (1), +2 more
> arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForConfig/AWSConfig-Describe	2024-03-12T09:00:12.000Z	2024-03-12T18:00:20.000Z	16	4	16	0	8	DescribeInstances (4), GetAccountAuthorizationDetails (4)
> arn:aws:sts::111122223333:assumed-role/web-app-role/i-0123456789abcdef0	2024-03-12T08:01:00.000Z	2024-03-12T18:23:47.000Z	81	4	81	0	24	GetSecretValue (24)
> ec2.amazonaws.com	2024-03-12T07:58:02.000Z	2024-03-12T15:58:02.000Z	3	1	3	0	3	AssumeRole (3)
> codebuild.amazonaws.com	2024-03-12T10:42:00.000Z	2024-03-12T16:05:00.000Z	2	1	2	0	2	AssumeRole (2)
> kms.amazonaws.com	2024-03-12T13:05:00.000Z	2024-03-12T13:05:00.000Z	1	1	1	0	0	
> arn:aws:sts::111122223333:assumed-role/ci-deployer/AWSCodeBuild-b7d1	2024-03-12T10:42:31.000Z	2024-03-12T10:44:20.000Z	3	3	3	0	0	
> arn:aws:sts::111122223333:assumed-role/ci-deployer/AWSCodeBuild-c9e4	2024-03-12T16:05:31.000Z	2024-03-12T16:07:20.000Z	3	3	3	0	0	

$ ctscan summary -d i.db -n 2 -o tsv | cut -f1,10-
> identity	regions	source_ips	user_agents	access_keys
> arn:aws:iam::111122223333:user/dev-alice	us-east-1 (25), eu-west-1 (1), us-west-2 (1)	192.0.2.10 (14), 203.0.113.66 (13)	aws-cli/2.15.10 Python/3.11.6 Darwin/23.3.0 exe/x86_64 prompt/off command/s3.cp (6), aws-cli/2.15.10 Python/3.11.6 Darwin/23.3.0 exe/x86_64 prompt/off command/ec2.describe-instances (3), aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-kali1-amd64 exe/x86_64.kali.2024 prompt/off command/ec2.describe-instances (3), +13 more	AKIAQXEXAMPLEALICE01 (27)
> arn:aws:iam::111122223333:user/dev-bob	us-east-1 (11)	2001:db8:4f2a::17 (11)	Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 (11)	ASIAQXEXAMPLECONSL01 (10)

$ ctscan summary -d i.db --by key -o tsv | cut -f1,4-8
> access_key	events	event_names	success	failures	abused
> AKIAQXEXAMPLEALICE01	27	16	22	5	16
> ASIAQXEXAMPLECONSL01	10	10	9	1	6
> ASIAQXEXAMPLEOPSDEP1	5	5	4	1	4
> AKIAQXEXAMPLEBKDOOR3	13	10	13	0	7
> ASIAQXEXAMPLEBRKGLS2	5	5	5	0	5
> ASIAQXEXAMPLECONFIG1	16	4	16	0	8
> ASIAQXEXAMPLEWEBAPP1	31	4	31	0	11
> ASIAQXEXAMPLEWEBAPP3	19	4	19	0	7
> ASIAQXEXAMPLEWEBAPP2	31	4	31	0	6
> ASIAQXEXAMPLECIDEP01	3	3	3	0	0
> ASIAQXEXAMPLECIDEP02	3	3	3	0	0

# --by ip: with the flow bytes and packets each way
$ ctscan summary -d i.db --by ip -o tsv | cut -f1,4,7,14-
> ip	events	failures	flows_out	bytes_out	packets_out	flows_in	bytes_in	packets_in
> 203.0.113.66	23	6	20	110190	1070	20	252970	1030
> 2001:db8:4f2a::17	11	1	0	0	0	0	0	0
> 198.51.100.23	13	0	19	29731485	573135	19	2023851595	1169545
> config.amazonaws.com	16	0						
> 192.0.2.10	14	0	29	230937	564	29	655658	622
> 10.0.1.25	81	0	80	2002787	1964	101	699706	1825
> ec2.amazonaws.com	3	0						
> codebuild.amazonaws.com	2	0						
> kms.amazonaws.com	1	0						
> 3.91.17.200	6	0	0	0	0	0	0	0

$ ctscan summary -d i.db --by role -o tsv | cut -f1,4-8
> role	events	event_names	success	failures	abused
> arn:aws:iam::111122223333:role/ops-deploy	5	5	4	1	4
> arn:aws:iam::111122223333:role/admin-break-glass	5	5	5	0	5
> arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig	16	4	16	0	8
> arn:aws:iam::111122223333:role/web-app-role	81	4	81	0	24
> arn:aws:iam::111122223333:role/ci-deployer	6	3	6	0	0

$ ctscan summary -d i.db --by account -o tsv | cut -f1-8
> account	first_seen	last_seen	events	event_names	success	failures	abused
> 111122223333	2024-03-12T07:58:02.000Z	2024-03-12T18:23:47.000Z	170	41	163	7	75

$ ctscan summary -d i.db --by region --top 1 -o tsv | cut -f1,4,7,9
> region	events	failures	abused_calls
> us-east-1	168	7	GetSecretValue (25), +21 more
> eu-west-1	1	0	DescribeInstances (1)
> us-west-2	1	0	DescribeInstances (1)

$ ctscan summary -d i.db --by event --errors -o tsv | cut -f1,4-7
> event	events	success	failures	abused
> CreateUser	1	0	1	1
> GetAccountAuthorizationDetails	1	0	1	1
> GetSecretValue	1	0	1	1
> ListAttachedUserPolicies	1	0	1	1
> ListSecrets	1	0	1	1
> ListUsers	1	0	1	1
> ListObjects	1	0	1	0

$ ctscan summary -d i.db --by user-agent --ip 198.51.100.23 -o tsv | cut -f1,4-8
> user_agent	events	event_names	success	failures	abused
> Boto3/1.34.60 md/Botocore#1.34.60 ua/2.0 os/linux#6.6.9-kali1-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.60	13	10	13	0	7

# --sort, a filter, -o ndjson
$ ctscan summary -d i.db --sort events -n 3 -o tsv | cut -f1,4
> identity	events
> arn:aws:sts::111122223333:assumed-role/web-app-role/i-0123456789abcdef0	81
> arn:aws:iam::111122223333:user/dev-alice	27
> arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForConfig/AWSConfig-Describe	16

$ ctscan summary -d i.db --by ip --sort bytes_out,name:asc -n 2 -o tsv | cut -f1,15
> ip	bytes_out
> 198.51.100.23	29731485
> 10.0.1.25	2002787

$ ctscan summary -d i.db --by key --since 2024-03-12T13:40Z --until 2024-03-12T14:30Z --event '^(Create|Attach|Run)' -o tsv | cut -f1,4,5
> access_key	events	event_names
> ASIAQXEXAMPLEOPSDEP1	1	1
> ASIAQXEXAMPLEBRKGLS2	3	3
> AKIAQXEXAMPLEBKDOOR3	1	1

$ ctscan summary -d i.db --by identity --access-key AKIAQXEXAMPLEBKDOOR3 -o ndjson
> {"identity":"arn:aws:iam::111122223333:user/system/backdoor-svc","first_seen":"2024-03-12T13:52:09.000Z","last_seen":"2024-03-12T14:20:45.000Z","events":13,"event_names":10,"success":13,"failures":0,"abused":7,"abused_calls":"AuthorizeSecurityGroupIngress (1), DeleteBucketPublicAccessBlock (1), DescribeInstances (1), +4 more","regions":"us-east-1 (13)","source_ips":"198.51.100.23 (13)","user_agents":"Boto3/1.34.60 md/Botocore#1.34.60 ua/2.0 os/linux#6.6.9-kali1-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.60 (13)","access_keys":"AKIAQXEXAMPLEBKDOOR3 (13)"}

$ ctscan summary -d i.db --by key -w "user_agent LIKE '%kali%'" --top 0 -o csv | cut -d, -f1,4,7-9
> access_key,events,failures,abused,abused_calls
> AKIAQXEXAMPLEALICE01,13,5,12,10 distinct
> ASIAQXEXAMPLEOPSDEP1,5,1,4,4 distinct
> AKIAQXEXAMPLEBKDOOR3,13,0,7,7 distinct
> ASIAQXEXAMPLEBRKGLS2,5,0,5,5 distinct

# nothing matches: no rows
$ ctscan summary -d i.db --region ap-south-1

# usage errors
$ ctscan summary -d i.db --by host
? 2
! ctscan: --by takes identity, key, ip, role, account, region, event or user-agent, not 'host'
! usage: ctscan summary [-d INDEX] [--by identity|key|ip|role|account|region|event|user-agent]
!                [filters] [--sort COL] [--top N] [-n LIMIT] [-o FORMAT]
! Try 'ctscan summary --help' for more information.

$ ctscan summary -d i.db --sort bytes_out
? 2
! ctscan: --sort: cannot sort by 'bytes_out' (identity, first_seen, last_seen, events, event_names, success, failures, abused, abused_calls; add :asc or :desc)
! usage: ctscan summary [-d INDEX] [--by identity|key|ip|role|account|region|event|user-agent]
!                [filters] [--sort COL] [--top N] [-n LIMIT] [-o FORMAT]
! Try 'ctscan summary --help' for more information.

$ ctscan summary -d i.db --sort events:up
? 2
! ctscan: --sort: 'up' is not asc or desc
! usage: ctscan summary [-d INDEX] [--by identity|key|ip|role|account|region|event|user-agent]
!                [filters] [--sort COL] [--top N] [-n LIMIT] [-o FORMAT]
! Try 'ctscan summary --help' for more information.

$ ctscan summary -d i.db -o raw
? 2
! ctscan: unknown output format 'raw' (table, csv, tsv, json, ndjson, md)
! usage: ctscan summary [-d INDEX] [--by identity|key|ip|role|account|region|event|user-agent]
!                [filters] [--sort COL] [--top N] [-n LIMIT] [-o FORMAT]
! Try 'ctscan summary --help' for more information.

$ ctscan summary -d i.db --top 5000
? 2
! ctscan: --top takes a number from 0 to 1000, not '5000'
! usage: ctscan summary [-d INDEX] [--by identity|key|ip|role|account|region|event|user-agent]
!                [filters] [--sort COL] [--top N] [-n LIMIT] [-o FORMAT]
! Try 'ctscan summary --help' for more information.

