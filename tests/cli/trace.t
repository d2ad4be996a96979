# ctscan trace: the storyline of the sample incident (testdata/incident)
# from one starting point.  The findings come from a fixed set of rules, so
# that these cases do not change when the built-in library grows.
$ ctscan ingest -q -d i.db "$TESTDATA/incident" >/dev/null 2>&1 && ctscan detect -q -d i.db --rule ct_iam_access_key_other_user --rule ct_iam_user_created_with_key --rule ct_s3_bucket_policy_public --rule vpc_egress_volume_external >/dev/null

# the leaked key, through the whole chain: AssumeRole into ops-deploy, role
# chaining into admin-break-glass, CreateUser and CreateAccessKey for
# backdoor-svc, that key's activity from a new address, RunInstances and the
# instance's flows (SSH in from the attacker, 2 GB out to the backdoor's address)
$ ctscan trace -d i.db --access-key AKIAQXEXAMPLEALICE01 -o tsv
> hop	time	kind	identity	access_key	source_ip	event	detail	via	event_id
> 0	2024-03-12T09:02:11.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	ListObjects	acme-dev-artifacts	start	9c1b0360-c26e-4dcd-a053-276e0285d81c
> 0	2024-03-12T09:02:14.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	GetObject	acme-dev-artifacts/builds/thumbnailer/2024-03-11/thumbnailer-1.zip	start	dc84fd39-be0b-48f9-a2ab-55ac80a31c5f
> 0	2024-03-12T09:02:15.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	GetObject	acme-dev-artifacts/builds/thumbnailer/2024-03-11/thumbnailer-2.zip	start	20302a7b-74d8-4880-b11f-e44f20badda7
> 0	2024-03-12T09:31:40.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	DescribeInstances		start	bac1c843-b0b3-46b4-984d-8a0d47ef47f3
> 0	2024-03-12T09:48:05.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	FilterLogEvents	/aws/lambda/dev-thumbnailer	start	f5df6f70-c2fc-4533-840a-7c93531c5c4a
> 0	2024-03-12T10:15:51.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	UpdateFunctionCode20150331v2	dev-thumbnailer	start	d720fe0d-5d0f-4f03-8e81-32e1d2ef6586
> 0	2024-03-12T10:16:30.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	GetFunction20150331v2	dev-thumbnailer	start	68315244-da38-41ed-b602-d8bbeccdaab3
> 0	2024-03-12T11:05:02.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	PutObject	acme-dev-artifacts/builds/thumbnailer/2024-03-12/thumbnailer-7.zip	start	87c9220c-0e77-40a3-80b9-345f6d73d70d
> 0	2024-03-12T11:05:03.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	PutObject	acme-dev-artifacts/builds/thumbnailer/2024-03-12/thumbnailer-8.zip	start	8395d740-1e2e-4270-a36f-2977ea1806e3
> 0	2024-03-12T11:40:27.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	DescribeInstances		start	a68c7840-db74-4d75-a20c-eedbd77c302d
> 0	2024-03-12T12:20:14.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	FilterLogEvents	/aws/lambda/dev-thumbnailer	start	fd49a23f-fed9-4c14-9052-e0400ccdb296
> 0	2024-03-12T13:41:07.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	203.0.113.66	GetCallerIdentity		start	ed20831d-efb7-4fd9-a972-9404b22115fe
> 0	2024-03-12T13:41:38.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	203.0.113.66	ListUsers	AccessDenied	start	af087d26-597f-4c8d-a32c-4a8d0b9ee451
> 0	2024-03-12T13:41:52.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	203.0.113.66	GetAccountAuthorizationDetails	AccessDenied	start	cb94d0d3-888d-4812-bcca-89329983640c
> 0	2024-03-12T13:42:05.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	203.0.113.66	ListAttachedUserPolicies	user=dev-alice AccessDenied	start	3fac9e8b-0235-4797-8b70-5172f0284c3f
> 0	2024-03-12T13:42:20.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	203.0.113.66	ListRoles		start	bd094794-c2b6-44ba-b3f1-ebd2fddfcfcb
> 0	2024-03-12T13:42:41.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	203.0.113.66	ListBuckets		start	abc8d160-1763-4e41-803f-340b1cb89674
> 0	2024-03-12T13:42:58.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	203.0.113.66	ListObjects	acme-prod-customer-data AccessDenied	start	36906d81-20dd-4e91-ab04-be9866de1357
> 0	2024-03-12T13:43:10.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	203.0.113.66	DescribeInstances		start	d90e2c01-7b35-49ed-8d81-317ab667e709
> 0	2024-03-12T13:43:17.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	203.0.113.66	DescribeInstances		start	10fc4ba6-ed9f-4c80-b537-181a5e9b7260
> 0	2024-03-12T13:43:24.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	203.0.113.66	DescribeInstances		start	c54275a5-4165-4e4b-a17a-8c2b67ee5149
> 0	2024-03-12T13:43:40.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	203.0.113.66	ListSecrets	AccessDenied	start	80f0c273-23d9-4fb6-885c-08805de19834
> 0	2024-03-12T13:43:51.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	203.0.113.66	ListFunctions20150331		start	89eed2ca-4fc4-418d-9c6f-e6c6213e3d6f
> 0	2024-03-12T13:44:12.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	203.0.113.66	AssumeRole	arn:aws:iam::111122223333:role/ops-deploy session=alice -> ASIAQXEXAMPLEOPSDEP1	start	e15d9d56-0c42-4191-a852-c4701207c367
> 0	2024-03-12T15:33:09.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	GetObject	acme-dev-artifacts/builds/thumbnailer/2024-03-11/thumbnailer-11.zip	start	dba8df29-5fba-46d0-8a07-46a6e5d2e9cc
> 0	2024-03-12T15:58:44.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	DescribeInstances		start	ae10a3d9-e4c1-426f-bdc0-b0786d012fec
> 0	2024-03-12T16:40:18.000Z	event	dev-alice	AKIAQXEXAMPLEALICE01	192.0.2.10	PutObject	acme-dev-artifacts/builds/thumbnailer/2024-03-12/thumbnailer-13.zip	start	9cce2356-12f5-4305-993f-e822044ac0c4
> 1	2024-03-12T13:44:30.000Z	event	ops-deploy/alice	ASIAQXEXAMPLEOPSDEP1	203.0.113.66	GetCallerIdentity		AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z	cb46170e-cf6f-45e9-867a-e783ad4444c4
> 1	2024-03-12T13:44:47.000Z	event	ops-deploy/alice	ASIAQXEXAMPLEOPSDEP1	203.0.113.66	ListAttachedRolePolicies	role=ops-deploy	AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z	0ee3b86f-fc05-492f-93f6-2f37d07c3093
> 1	2024-03-12T13:45:03.000Z	event	ops-deploy/alice	ASIAQXEXAMPLEOPSDEP1	203.0.113.66	GetRole	role=admin-break-glass	AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z	a4e09c0d-28dd-493f-8504-5382ff06cc96
> 1	2024-03-12T13:45:20.000Z	event	ops-deploy/alice	ASIAQXEXAMPLEOPSDEP1	203.0.113.66	CreateUser	user=svc-monitor AccessDenied	AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z	5ed749e3-2ca3-4296-abd6-00ccd965f26f
> 1	2024-03-12T13:46:02.000Z	event	ops-deploy/alice	ASIAQXEXAMPLEOPSDEP1	203.0.113.66	AssumeRole	arn:aws:iam::111122223333:role/admin-break-glass session=maint -> ASIAQXEXAMPLEBRKGLS2	AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z	f4310660-0d90-4273-aa82-870c599cac85
> 2	2024-03-12T13:46:19.000Z	event	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	203.0.113.66	GetCallerIdentity		AssumeRole by ASIAQXEXAMPLEOPSDEP1 at 2024-03-12T13:46:02Z	75007c56-62f6-47fd-ab10-40022be993a8
> 2	2024-03-12T13:47:05.000Z	event	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	203.0.113.66	CreateUser	user=backdoor-svc	AssumeRole by ASIAQXEXAMPLEOPSDEP1 at 2024-03-12T13:46:02Z	56d13778-7fb7-40b9-b26a-f32334274ae7
> 2	2024-03-12T13:47:05.000Z	finding	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	203.0.113.66	ct_iam_user_created_with_key	high: New IAM user given an access key right after creation: user backdoor-svc created and given access key AKIAQXEXAMPLEBKDOOR3 within a minute	finding on event 56d13778-7fb7-40b9-b26a-f32334274ae7	
> 2	2024-03-12T13:47:31.000Z	event	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	203.0.113.66	CreateAccessKey	user=backdoor-svc key=AKIAQXEXAMPLEBKDOOR3	AssumeRole by ASIAQXEXAMPLEOPSDEP1 at 2024-03-12T13:46:02Z	04ff8cb3-5644-4b20-83a8-08756c12472f
> 2	2024-03-12T13:47:31.000Z	finding	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	203.0.113.66	ct_iam_access_key_other_user	medium: Access key created for another IAM user: access key AKIAQXEXAMPLEBKDOOR3 created for user backdoor-svc	finding on event 04ff8cb3-5644-4b20-83a8-08756c12472f	
> 2	2024-03-12T13:47:52.000Z	event	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	203.0.113.66	AttachUserPolicy	user=backdoor-svc policy=arn:aws:iam::aws:policy/AdministratorAccess	AssumeRole by ASIAQXEXAMPLEOPSDEP1 at 2024-03-12T13:46:02Z	c7bb6aa9-f248-440e-bcd1-1902fade3304
> 2	2024-03-12T13:48:14.000Z	event	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	203.0.113.66	ImportKeyPair	maint-key	AssumeRole by ASIAQXEXAMPLEOPSDEP1 at 2024-03-12T13:46:02Z	21515c0c-bdfc-4639-9cad-0dddbbead2c5
> 3	2024-03-12T13:52:09.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	GetCallerIdentity		CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z	42625378-1de6-4b2b-a169-76dd7846de52
> 3	2024-03-12T13:52:33.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	ListBuckets		CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z	b684b224-af8e-473a-a0eb-33ea20cfed9d
> 3	2024-03-12T13:52:47.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	ListObjects	acme-prod-customer-data	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z	00abfbbb-65a4-4923-b779-6614a6397e30
> 3	2024-03-12T13:53:05.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	GetObject	acme-prod-customer-data/exports/customers-2024-02.csv.gz	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z	37c16260-0a03-489f-90f0-d5737e59a88a
> 3	2024-03-12T13:53:24.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	GetObject	acme-prod-customer-data/exports/customers-2024-03.csv.gz	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z	6d23eccf-d6e7-47f6-a1c8-7d5975985a28
> 3	2024-03-12T13:53:43.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	GetObject	acme-prod-customer-data/exports/payment-methods-2024-03.csv.gz	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z	b08673fa-29e0-4d98-a929-5ebedd8938bc
> 3	2024-03-12T13:54:02.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	GetObject	acme-prod-customer-data/backups/crm/crm-db-2024-03-11.sql.gz	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z	5f950229-3aed-4638-9eeb-18ff57023f45
> 3	2024-03-12T13:55:40.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	DeleteBucketPublicAccessBlock	acme-prod-customer-data	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z	ae93bc73-4a2c-4047-826e-5e6243cd869c
> 3	2024-03-12T13:55:58.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	PutBucketPolicy	acme-prod-customer-data	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z	8d1f86d4-769f-4db0-8596-10ca967bc0e0
> 3	2024-03-12T13:55:58.000Z	finding	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	ct_s3_bucket_policy_public	high: S3 bucket policy grants access to everyone: bucket acme-prod-customer-data policy allows Principal * s3:GetObject without a restricting condition	finding on event 8d1f86d4-769f-4db0-8596-10ca967bc0e0	
> 3	2024-03-12T13:57:12.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	AuthorizeSecurityGroupIngress	sg-0a1b2c3d4e5f60718 tcp/22 from 0.0.0.0/0	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z	e9971fe0-9afd-4db5-bf1e-696c13d4c354
> 3	2024-03-12T13:58:40.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	RunInstances	i-0abc1234def567890 ami-0c101f26f147fa7fd t3.large eni-0abc1234def567890 10.0.5.17	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z	8b8e93e4-b76d-4da7-9340-4b3f048a1888
> 3	2024-03-12T13:59:31.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	DescribeInstances	i-0abc1234def567890	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z	406fde34-5356-4ebf-88fe-e87617b9eb54
> 3	2024-03-12T14:20:45.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	GetBucketPolicyStatus	acme-prod-customer-data	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z	d27fe4b7-1a25-4c9e-89dc-7c43637d9527
> 4	2024-03-12T14:04:00.000Z	flows	i-0abc1234def567890 eni-0abc1234def567890		203.0.113.66	flows in	in from 203.0.113.66 tcp/22 ACCEPT: 40 flows, 253.0 kB sent, 110.2 kB received, until 2024-03-12T14:24:00Z	RunInstances by AKIAQXEXAMPLEBKDOOR3 at 2024-03-12T13:58:40Z	
> 4	2024-03-12T14:06:00.000Z	flows	i-0abc1234def567890 eni-0abc1234def567890		198.51.100.23	flows out	out to 198.51.100.23 tcp/443 ACCEPT: 38 flows, 2.0 GB sent, 29.7 MB received, until 2024-03-12T14:25:00Z	RunInstances by AKIAQXEXAMPLEBKDOOR3 at 2024-03-12T13:58:40Z	
> 4	2024-03-12T14:10:00.000Z	finding			10.0.5.17	vpc_egress_volume_external	medium: Large volume sent to one internet address: 10.0.5.17 sent 1.52 GiB to 198.51.100.23 port 443/tcp in 15 flows within 60 min	finding on flows of eni-0abc1234def567890	
! trace: 50 events, 2 flow rows, 4 findings, 5 hops from --access-key AKIAQXEXAMPLEALICE01

# the default table, from the attack on
$ ctscan trace -q -d i.db --access-key AKIAQXEXAMPLEALICE01 --since 2024-03-12T13:44Z --until 2024-03-12T13:50Z
> hop  time                      kind     identity                 access_key            source_ip     event                         detail                                                                                                                                            via                                                         event_id
> ---  ------------------------  -------  -----------------------  --------------------  ------------  ----------------------------  ------------------------------------------------------------------------------------------------------------------------------------------------  ----------------------------------------------------------  ------------------------------------
>   0  2024-03-12T13:44:12.000Z  event    dev-alice                AKIAQXEXAMPLEALICE01  203.0.113.66  AssumeRole                    arn:aws:iam::111122223333:role/ops-deploy session=alice -> ASIAQXEXAMPLEOPSDEP1                                                                   start                                                       e15d9d56-0c42-4191-a852-c4701207c367
>   1  2024-03-12T13:44:30.000Z  event    ops-deploy/alice         ASIAQXEXAMPLEOPSDEP1  203.0.113.66  GetCallerIdentity                                                                                                                                                               AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z  cb46170e-cf6f-45e9-867a-e783ad4444c4
>   1  2024-03-12T13:44:47.000Z  event    ops-deploy/alice         ASIAQXEXAMPLEOPSDEP1  203.0.113.66  ListAttachedRolePolicies      role=ops-deploy                                                                                                                                   AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z  0ee3b86f-fc05-492f-93f6-2f37d07c3093
>   1  2024-03-12T13:45:03.000Z  event    ops-deploy/alice         ASIAQXEXAMPLEOPSDEP1  203.0.113.66  GetRole                       role=admin-break-glass                                                                                                                            AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z  a4e09c0d-28dd-493f-8504-5382ff06cc96
>   1  2024-03-12T13:45:20.000Z  event    ops-deploy/alice         ASIAQXEXAMPLEOPSDEP1  203.0.113.66  CreateUser                    user=svc-monitor AccessDenied                                                                                                                     AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z  5ed749e3-2ca3-4296-abd6-00ccd965f26f
>   1  2024-03-12T13:46:02.000Z  event    ops-deploy/alice         ASIAQXEXAMPLEOPSDEP1  203.0.113.66  AssumeRole                    arn:aws:iam::111122223333:role/admin-break-glass session=maint -> ASIAQXEXAMPLEBRKGLS2                                                            AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z  f4310660-0d90-4273-aa82-870c599cac85
>   2  2024-03-12T13:46:19.000Z  event    admin-break-glass/maint  ASIAQXEXAMPLEBRKGLS2  203.0.113.66  GetCallerIdentity                                                                                                                                                               AssumeRole by ASIAQXEXAMPLEOPSDEP1 at 2024-03-12T13:46:02Z  75007c56-62f6-47fd-ab10-40022be993a8
>   2  2024-03-12T13:47:05.000Z  event    admin-break-glass/maint  ASIAQXEXAMPLEBRKGLS2  203.0.113.66  CreateUser                    user=backdoor-svc                                                                                                                                 AssumeRole by ASIAQXEXAMPLEOPSDEP1 at 2024-03-12T13:46:02Z  56d13778-7fb7-40b9-b26a-f32334274ae7
>   2  2024-03-12T13:47:05.000Z  finding  admin-break-glass/maint  ASIAQXEXAMPLEBRKGLS2  203.0.113.66  ct_iam_user_created_with_key  high: New IAM user given an access key right after creation: user backdoor-svc created and given access key AKIAQXEXAMPLEBKDOOR3 within a minute  finding on event 56d13778-7fb7-40b9-b26a-f32334274ae7
>   2  2024-03-12T13:47:31.000Z  event    admin-break-glass/maint  ASIAQXEXAMPLEBRKGLS2  203.0.113.66  CreateAccessKey               user=backdoor-svc key=AKIAQXEXAMPLEBKDOOR3                                                                                                        AssumeRole by ASIAQXEXAMPLEOPSDEP1 at 2024-03-12T13:46:02Z  04ff8cb3-5644-4b20-83a8-08756c12472f
>   2  2024-03-12T13:47:31.000Z  finding  admin-break-glass/maint  ASIAQXEXAMPLEBRKGLS2  203.0.113.66  ct_iam_access_key_other_user  medium: Access key created for another IAM user: access key AKIAQXEXAMPLEBKDOOR3 created for user backdoor-svc                                    finding on event 04ff8cb3-5644-4b20-83a8-08756c12472f
>   2  2024-03-12T13:47:52.000Z  event    admin-break-glass/maint  ASIAQXEXAMPLEBRKGLS2  203.0.113.66  AttachUserPolicy              user=backdoor-svc policy=arn:aws:iam::aws:policy/AdministratorAccess                                                                              AssumeRole by ASIAQXEXAMPLEOPSDEP1 at 2024-03-12T13:46:02Z  c7bb6aa9-f248-440e-bcd1-1902fade3304
>   2  2024-03-12T13:48:14.000Z  event    admin-break-glass/maint  ASIAQXEXAMPLEBRKGLS2  203.0.113.66  ImportKeyPair                 maint-key                                                                                                                                         AssumeRole by ASIAQXEXAMPLEOPSDEP1 at 2024-03-12T13:46:02Z  21515c0c-bdfc-4639-9cad-0dddbbead2c5

# --depth 1: the first role session is followed, the second is not; the
# events of the second session come in as "same IP" (the address the traced
# identities used, within an hour)
$ ctscan trace -d i.db --access-key AKIAQXEXAMPLEALICE01 --since 2024-03-12T13:40Z --depth 1 -o tsv | cut -f1,3,5,7,9
> hop	kind	access_key	event	via
> 0	event	AKIAQXEXAMPLEALICE01	GetCallerIdentity	start
> 0	event	AKIAQXEXAMPLEALICE01	ListUsers	start
> 0	event	AKIAQXEXAMPLEALICE01	GetAccountAuthorizationDetails	start
> 0	event	AKIAQXEXAMPLEALICE01	ListAttachedUserPolicies	start
> 0	event	AKIAQXEXAMPLEALICE01	ListRoles	start
> 0	event	AKIAQXEXAMPLEALICE01	ListBuckets	start
> 0	event	AKIAQXEXAMPLEALICE01	ListObjects	start
> 0	event	AKIAQXEXAMPLEALICE01	DescribeInstances	start
> 0	event	AKIAQXEXAMPLEALICE01	DescribeInstances	start
> 0	event	AKIAQXEXAMPLEALICE01	DescribeInstances	start
> 0	event	AKIAQXEXAMPLEALICE01	ListSecrets	start
> 0	event	AKIAQXEXAMPLEALICE01	ListFunctions20150331	start
> 0	event	AKIAQXEXAMPLEALICE01	AssumeRole	start
> 0	event	AKIAQXEXAMPLEALICE01	GetObject	start
> 0	event	AKIAQXEXAMPLEALICE01	DescribeInstances	start
> 0	event	AKIAQXEXAMPLEALICE01	PutObject	start
> 1	event	ASIAQXEXAMPLEOPSDEP1	GetCallerIdentity	AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z
> 1	event	ASIAQXEXAMPLEOPSDEP1	ListAttachedRolePolicies	AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z
> 1	event	ASIAQXEXAMPLEOPSDEP1	GetRole	AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z
> 1	event	ASIAQXEXAMPLEOPSDEP1	CreateUser	AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z
> 1	event	ASIAQXEXAMPLEOPSDEP1	AssumeRole	AssumeRole by AKIAQXEXAMPLEALICE01 at 2024-03-12T13:44:12Z
> 1	event	ASIAQXEXAMPLEBRKGLS2	GetCallerIdentity	same IP 203.0.113.66
> 1	event	ASIAQXEXAMPLEBRKGLS2	CreateUser	same IP 203.0.113.66
> 1	finding	ASIAQXEXAMPLEBRKGLS2	ct_iam_user_created_with_key	finding on event 56d13778-7fb7-40b9-b26a-f32334274ae7
> 1	event	ASIAQXEXAMPLEBRKGLS2	CreateAccessKey	same IP 203.0.113.66
> 1	finding	ASIAQXEXAMPLEBRKGLS2	ct_iam_access_key_other_user	finding on event 04ff8cb3-5644-4b20-83a8-08756c12472f
> 1	event	ASIAQXEXAMPLEBRKGLS2	AttachUserPolicy	same IP 203.0.113.66
> 1	event	ASIAQXEXAMPLEBRKGLS2	ImportKeyPair	same IP 203.0.113.66
! trace: 26 events, 0 flow rows, 2 findings, 2 hops from --access-key AKIAQXEXAMPLEALICE01

# --depth 0: the start only
$ ctscan trace -d i.db --access-key AKIAQXEXAMPLEALICE01 --since 2024-03-12T13:40Z --depth 0 -o tsv | cut -f1,3,7,9 | tail -n 4
> 0	event	AssumeRole	start
> 0	event	GetObject	start
> 0	event	DescribeInstances	start
> 0	event	PutObject	start
! trace: 16 events, 0 flow rows, 0 findings, 1 hops from --access-key AKIAQXEXAMPLEALICE01

# --principal: every session of a role, then what they created
$ ctscan trace -q -d i.db --principal admin-break-glass --depth 1 -o tsv | cut -f1,3,4,5,7,9
> hop	kind	identity	access_key	event	via
> 0	event	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	GetCallerIdentity	start
> 0	event	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	CreateUser	start
> 0	finding	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	ct_iam_user_created_with_key	finding on event 56d13778-7fb7-40b9-b26a-f32334274ae7
> 0	event	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	CreateAccessKey	start
> 0	finding	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	ct_iam_access_key_other_user	finding on event 04ff8cb3-5644-4b20-83a8-08756c12472f
> 0	event	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	AttachUserPolicy	start
> 0	event	admin-break-glass/maint	ASIAQXEXAMPLEBRKGLS2	ImportKeyPair	start
> 1	event	dev-alice	AKIAQXEXAMPLEALICE01	GetCallerIdentity	same IP 203.0.113.66
> 1	event	dev-alice	AKIAQXEXAMPLEALICE01	ListUsers	same IP 203.0.113.66
> 1	event	dev-alice	AKIAQXEXAMPLEALICE01	GetAccountAuthorizationDetails	same IP 203.0.113.66
> 1	event	dev-alice	AKIAQXEXAMPLEALICE01	ListAttachedUserPolicies	same IP 203.0.113.66
> 1	event	dev-alice	AKIAQXEXAMPLEALICE01	ListRoles	same IP 203.0.113.66
> 1	event	dev-alice	AKIAQXEXAMPLEALICE01	ListBuckets	same IP 203.0.113.66
> 1	event	dev-alice	AKIAQXEXAMPLEALICE01	ListObjects	same IP 203.0.113.66
> 1	event	dev-alice	AKIAQXEXAMPLEALICE01	DescribeInstances	same IP 203.0.113.66
> 1	event	dev-alice	AKIAQXEXAMPLEALICE01	DescribeInstances	same IP 203.0.113.66
> 1	event	dev-alice	AKIAQXEXAMPLEALICE01	DescribeInstances	same IP 203.0.113.66
> 1	event	dev-alice	AKIAQXEXAMPLEALICE01	ListSecrets	same IP 203.0.113.66
> 1	event	dev-alice	AKIAQXEXAMPLEALICE01	ListFunctions20150331	same IP 203.0.113.66
> 1	event	dev-alice	AKIAQXEXAMPLEALICE01	AssumeRole	same IP 203.0.113.66
> 1	event	ops-deploy/alice	ASIAQXEXAMPLEOPSDEP1	GetCallerIdentity	same IP 203.0.113.66
> 1	event	ops-deploy/alice	ASIAQXEXAMPLEOPSDEP1	ListAttachedRolePolicies	same IP 203.0.113.66
> 1	event	ops-deploy/alice	ASIAQXEXAMPLEOPSDEP1	GetRole	same IP 203.0.113.66
> 1	event	ops-deploy/alice	ASIAQXEXAMPLEOPSDEP1	CreateUser	same IP 203.0.113.66
> 1	event	ops-deploy/alice	ASIAQXEXAMPLEOPSDEP1	AssumeRole	same IP 203.0.113.66
> 1	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	GetCallerIdentity	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z
> 1	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	ListBuckets	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z
> 1	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	ListObjects	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z
> 1	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	GetObject	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z
> 1	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	GetObject	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z
> 1	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	GetObject	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z
> 1	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	GetObject	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z
> 1	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	DeleteBucketPublicAccessBlock	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z
> 1	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	PutBucketPolicy	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z
> 1	finding	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	ct_s3_bucket_policy_public	finding on event 8d1f86d4-769f-4db0-8596-10ca967bc0e0
> 1	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	AuthorizeSecurityGroupIngress	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z
> 1	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	RunInstances	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z
> 1	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	DescribeInstances	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z
> 1	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	GetBucketPolicyStatus	CreateAccessKey by ASIAQXEXAMPLEBRKGLS2 at 2024-03-12T13:47:31Z

# --ip: the calls from the address and its flows; the keys used from it one hop further
$ ctscan trace -d i.db --ip 198.51.100.23 --depth 1 -o tsv
> hop	time	kind	identity	access_key	source_ip	event	detail	via	event_id
> 0	2024-03-12T13:52:09.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	GetCallerIdentity		start	42625378-1de6-4b2b-a169-76dd7846de52
> 0	2024-03-12T13:52:33.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	ListBuckets		start	b684b224-af8e-473a-a0eb-33ea20cfed9d
> 0	2024-03-12T13:52:47.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	ListObjects	acme-prod-customer-data	start	00abfbbb-65a4-4923-b779-6614a6397e30
> 0	2024-03-12T13:53:05.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	GetObject	acme-prod-customer-data/exports/customers-2024-02.csv.gz	start	37c16260-0a03-489f-90f0-d5737e59a88a
> 0	2024-03-12T13:53:24.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	GetObject	acme-prod-customer-data/exports/customers-2024-03.csv.gz	start	6d23eccf-d6e7-47f6-a1c8-7d5975985a28
> 0	2024-03-12T13:53:43.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	GetObject	acme-prod-customer-data/exports/payment-methods-2024-03.csv.gz	start	b08673fa-29e0-4d98-a929-5ebedd8938bc
> 0	2024-03-12T13:54:02.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	GetObject	acme-prod-customer-data/backups/crm/crm-db-2024-03-11.sql.gz	start	5f950229-3aed-4638-9eeb-18ff57023f45
> 0	2024-03-12T13:55:40.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	DeleteBucketPublicAccessBlock	acme-prod-customer-data	start	ae93bc73-4a2c-4047-826e-5e6243cd869c
> 0	2024-03-12T13:55:58.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	PutBucketPolicy	acme-prod-customer-data	start	8d1f86d4-769f-4db0-8596-10ca967bc0e0
> 0	2024-03-12T13:55:58.000Z	finding	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	ct_s3_bucket_policy_public	high: S3 bucket policy grants access to everyone: bucket acme-prod-customer-data policy allows Principal * s3:GetObject without a restricting condition	finding on event 8d1f86d4-769f-4db0-8596-10ca967bc0e0	
> 0	2024-03-12T13:57:12.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	AuthorizeSecurityGroupIngress	sg-0a1b2c3d4e5f60718 tcp/22 from 0.0.0.0/0	start	e9971fe0-9afd-4db5-bf1e-696c13d4c354
> 0	2024-03-12T13:58:40.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	RunInstances	i-0abc1234def567890 ami-0c101f26f147fa7fd t3.large eni-0abc1234def567890 10.0.5.17	start	8b8e93e4-b76d-4da7-9340-4b3f048a1888
> 0	2024-03-12T13:59:31.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	DescribeInstances	i-0abc1234def567890	start	406fde34-5356-4ebf-88fe-e87617b9eb54
> 0	2024-03-12T14:06:00.000Z	flows	eni-0abc1234def567890		10.0.5.17	flows in	in from 10.0.5.17 tcp/443 ACCEPT: 38 flows, 29.7 MB sent, 2.0 GB received, until 2024-03-12T14:25:00Z	start	
> 0	2024-03-12T14:20:45.000Z	event	backdoor-svc	AKIAQXEXAMPLEBKDOOR3	198.51.100.23	GetBucketPolicyStatus	acme-prod-customer-data	start	d27fe4b7-1a25-4c9e-89dc-7c43637d9527
> 1	2024-03-12T14:04:00.000Z	flows	i-0abc1234def567890 eni-0abc1234def567890		203.0.113.66	flows in	in from 203.0.113.66 tcp/22 ACCEPT: 40 flows, 253.0 kB sent, 110.2 kB received, until 2024-03-12T14:24:00Z	RunInstances by AKIAQXEXAMPLEBKDOOR3 at 2024-03-12T13:58:40Z	
> 1	2024-03-12T14:06:00.000Z	flows	i-0abc1234def567890 eni-0abc1234def567890		198.51.100.23	flows out	out to 198.51.100.23 tcp/443 ACCEPT: 38 flows, 2.0 GB sent, 29.7 MB received, until 2024-03-12T14:25:00Z	RunInstances by AKIAQXEXAMPLEBKDOOR3 at 2024-03-12T13:58:40Z	
> 1	2024-03-12T14:10:00.000Z	finding			10.0.5.17	vpc_egress_volume_external	medium: Large volume sent to one internet address: 10.0.5.17 sent 1.52 GiB to 198.51.100.23 port 443/tcp in 15 flows within 60 min	finding on flows of eni-0abc1234def567890	
! trace: 13 events, 3 flow rows, 2 findings, 2 hops from --ip 198.51.100.23

# --event-id: the event, then its key
$ ctscan trace -d i.db --event-id 8b8e93e4-b76d-4da7-9340-4b3f048a1888 --depth 0 -o csv
> hop,time,kind,identity,access_key,source_ip,event,detail,via,event_id
> 0,2024-03-12T13:52:09.000Z,event,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,GetCallerIdentity,,start: the access key of event 8b8e93e4-b76d-4da7-9340-4b3f048a1888,42625378-1de6-4b2b-a169-76dd7846de52
> 0,2024-03-12T13:52:33.000Z,event,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,ListBuckets,,start: the access key of event 8b8e93e4-b76d-4da7-9340-4b3f048a1888,b684b224-af8e-473a-a0eb-33ea20cfed9d
> 0,2024-03-12T13:52:47.000Z,event,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,ListObjects,acme-prod-customer-data,start: the access key of event 8b8e93e4-b76d-4da7-9340-4b3f048a1888,00abfbbb-65a4-4923-b779-6614a6397e30
> 0,2024-03-12T13:53:05.000Z,event,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,GetObject,acme-prod-customer-data/exports/customers-2024-02.csv.gz,start: the access key of event 8b8e93e4-b76d-4da7-9340-4b3f048a1888,37c16260-0a03-489f-90f0-d5737e59a88a
> 0,2024-03-12T13:53:24.000Z,event,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,GetObject,acme-prod-customer-data/exports/customers-2024-03.csv.gz,start: the access key of event 8b8e93e4-b76d-4da7-9340-4b3f048a1888,6d23eccf-d6e7-47f6-a1c8-7d5975985a28
> 0,2024-03-12T13:53:43.000Z,event,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,GetObject,acme-prod-customer-data/exports/payment-methods-2024-03.csv.gz,start: the access key of event 8b8e93e4-b76d-4da7-9340-4b3f048a1888,b08673fa-29e0-4d98-a929-5ebedd8938bc
> 0,2024-03-12T13:54:02.000Z,event,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,GetObject,acme-prod-customer-data/backups/crm/crm-db-2024-03-11.sql.gz,start: the access key of event 8b8e93e4-b76d-4da7-9340-4b3f048a1888,5f950229-3aed-4638-9eeb-18ff57023f45
> 0,2024-03-12T13:55:40.000Z,event,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,DeleteBucketPublicAccessBlock,acme-prod-customer-data,start: the access key of event 8b8e93e4-b76d-4da7-9340-4b3f048a1888,ae93bc73-4a2c-4047-826e-5e6243cd869c
> 0,2024-03-12T13:55:58.000Z,event,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,PutBucketPolicy,acme-prod-customer-data,start: the access key of event 8b8e93e4-b76d-4da7-9340-4b3f048a1888,8d1f86d4-769f-4db0-8596-10ca967bc0e0
> 0,2024-03-12T13:55:58.000Z,finding,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,ct_s3_bucket_policy_public,high: S3 bucket policy grants access to everyone: bucket acme-prod-customer-data policy allows Principal * s3:GetObject without a restricting condition,finding on event 8d1f86d4-769f-4db0-8596-10ca967bc0e0,
> 0,2024-03-12T13:57:12.000Z,event,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,AuthorizeSecurityGroupIngress,sg-0a1b2c3d4e5f60718 tcp/22 from 0.0.0.0/0,start: the access key of event 8b8e93e4-b76d-4da7-9340-4b3f048a1888,e9971fe0-9afd-4db5-bf1e-696c13d4c354
> 0,2024-03-12T13:58:40.000Z,event,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,RunInstances,i-0abc1234def567890 ami-0c101f26f147fa7fd t3.large eni-0abc1234def567890 10.0.5.17,start,8b8e93e4-b76d-4da7-9340-4b3f048a1888
> 0,2024-03-12T13:59:31.000Z,event,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,DescribeInstances,i-0abc1234def567890,start: the access key of event 8b8e93e4-b76d-4da7-9340-4b3f048a1888,406fde34-5356-4ebf-88fe-e87617b9eb54
> 0,2024-03-12T14:20:45.000Z,event,backdoor-svc,AKIAQXEXAMPLEBKDOOR3,198.51.100.23,GetBucketPolicyStatus,acme-prod-customer-data,start: the access key of event 8b8e93e4-b76d-4da7-9340-4b3f048a1888,d27fe4b7-1a25-4c9e-89dc-7c43637d9527
! trace: 13 events, 0 flow rows, 1 findings, 1 hops from --event-id 8b8e93e4-b76d-4da7-9340-4b3f048a1888

# --since and --until narrow events, flows and findings
$ ctscan trace -q -d i.db --access-key AKIAQXEXAMPLEBKDOOR3 --since 2024-03-12T13:55Z --until 2024-03-12T14:05Z -o tsv | cut -f1,2,3,7
> hop	time	kind	event
> 0	2024-03-12T13:55:40.000Z	event	DeleteBucketPublicAccessBlock
> 0	2024-03-12T13:55:58.000Z	event	PutBucketPolicy
> 0	2024-03-12T13:55:58.000Z	finding	ct_s3_bucket_policy_public
> 0	2024-03-12T13:57:12.000Z	event	AuthorizeSecurityGroupIngress
> 0	2024-03-12T13:58:40.000Z	event	RunInstances
> 0	2024-03-12T13:59:31.000Z	event	DescribeInstances
> 1	2024-03-12T14:04:00.000Z	flows	flows in

$ ctscan trace -q -d i.db --access-key AKIAQXEXAMPLEBKDOOR3 --since 2024-03-12T13:58Z --until 2024-03-12T13:59Z -o ndjson
> {"hop":0,"time":"2024-03-12T13:58:40.000Z","kind":"event","identity":"backdoor-svc","access_key":"AKIAQXEXAMPLEBKDOOR3","source_ip":"198.51.100.23","event":"RunInstances","detail":"i-0abc1234def567890 ami-0c101f26f147fa7fd t3.large eni-0abc1234def567890 10.0.5.17","via":"start","event_id":"8b8e93e4-b76d-4da7-9340-4b3f048a1888"}

$ ctscan trace -q -d i.db --access-key AKIAQXEXAMPLEALICE01 -o json | head -n 12
> [
> {"hop":0,"time":"2024-03-12T09:02:11.000Z","kind":"event","identity":"dev-alice","access_key":"AKIAQXEXAMPLEALICE01","source_ip":"192.0.2.10","event":"ListObjects","detail":"acme-dev-artifacts","via":"start","event_id":"9c1b0360-c26e-4dcd-a053-276e0285d81c"},
> {"hop":0,"time":"2024-03-12T09:02:14.000Z","kind":"event","identity":"dev-alice","access_key":"AKIAQXEXAMPLEALICE01","source_ip":"192.0.2.10","event":"GetObject","detail":"acme-dev-artifacts/builds/thumbnailer/2024-03-11/thumbnailer-1.zip","via":"start","event_id":"dc84fd39-be0b-48f9-a2ab-55ac80a31c5f"},
> {"hop":0,"time":"2024-03-12T09:02:15.000Z","kind":"event","identity":"dev-alice","access_key":"AKIAQXEXAMPLEALICE01","source_ip":"192.0.2.10","event":"GetObject","detail":"acme-dev-artifacts/builds/thumbnailer/2024-03-11/thumbnailer-2.zip","via":"start","event_id":"20302a7b-74d8-4880-b11f-e44f20badda7"},
> {"hop":0,"time":"2024-03-12T09:31:40.000Z","kind":"event","identity":"dev-alice","access_key":"AKIAQXEXAMPLEALICE01","source_ip":"192.0.2.10","event":"DescribeInstances","detail":null,"via":"start","event_id":"bac1c843-b0b3-46b4-984d-8a0d47ef47f3"},
> {"hop":0,"time":"2024-03-12T09:48:05.000Z","kind":"event","identity":"dev-alice","access_key":"AKIAQXEXAMPLEALICE01","source_ip":"192.0.2.10","event":"FilterLogEvents","detail":"/aws/lambda/dev-thumbnailer","via":"start","event_id":"f5df6f70-c2fc-4533-840a-7c93531c5c4a"},
> {"hop":0,"time":"2024-03-12T10:15:51.000Z","kind":"event","identity":"dev-alice","access_key":"AKIAQXEXAMPLEALICE01","source_ip":"192.0.2.10","event":"UpdateFunctionCode20150331v2","detail":"dev-thumbnailer","via":"start","event_id":"d720fe0d-5d0f-4f03-8e81-32e1d2ef6586"},
> {"hop":0,"time":"2024-03-12T10:16:30.000Z","kind":"event","identity":"dev-alice","access_key":"AKIAQXEXAMPLEALICE01","source_ip":"192.0.2.10","event":"GetFunction20150331v2","detail":"dev-thumbnailer","via":"start","event_id":"68315244-da38-41ed-b602-d8bbeccdaab3"},
> {"hop":0,"time":"2024-03-12T11:05:02.000Z","kind":"event","identity":"dev-alice","access_key":"AKIAQXEXAMPLEALICE01","source_ip":"192.0.2.10","event":"PutObject","detail":"acme-dev-artifacts/builds/thumbnailer/2024-03-12/thumbnailer-7.zip","via":"start","event_id":"87c9220c-0e77-40a3-80b9-345f6d73d70d"},
> {"hop":0,"time":"2024-03-12T11:05:03.000Z","kind":"event","identity":"dev-alice","access_key":"AKIAQXEXAMPLEALICE01","source_ip":"192.0.2.10","event":"PutObject","detail":"acme-dev-artifacts/builds/thumbnailer/2024-03-12/thumbnailer-8.zip","via":"start","event_id":"8395d740-1e2e-4270-a36f-2977ea1806e3"},
> {"hop":0,"time":"2024-03-12T11:40:27.000Z","kind":"event","identity":"dev-alice","access_key":"AKIAQXEXAMPLEALICE01","source_ip":"192.0.2.10","event":"DescribeInstances","detail":null,"via":"start","event_id":"a68c7840-db74-4d75-a20c-eedbd77c302d"},
> {"hop":0,"time":"2024-03-12T12:20:14.000Z","kind":"event","identity":"dev-alice","access_key":"AKIAQXEXAMPLEALICE01","source_ip":"192.0.2.10","event":"FilterLogEvents","detail":"/aws/lambda/dev-thumbnailer","via":"start","event_id":"fd49a23f-fed9-4c14-9052-e0400ccdb296"},

# the graph: Graphviz parses it (or, without Graphviz, every line has the
# shape of a node, an edge or an attribute statement)
$ ctscan trace -q -d i.db --access-key AKIAQXEXAMPLEALICE01 -o dot > g.dot && if command -v dot >/dev/null; then dot -Tsvg g.dot >/dev/null && echo parsed; else head -n 1 g.dot | grep -q '^digraph "ctscan trace" {$' && tail -n 1 g.dot | grep -qx '}' && ! sed '1d;$d' g.dot | grep -Ev '^  ((graph|node|edge) \[.*\]|"(n[0-9]+|more)" \[label=".*"(, [a-z]+=("[^"]*"|[a-z0-9.]+))*\]|"n[0-9]+" -> "n[0-9]+" \[label=".*"(, [a-z]+=("[^"]*"|[a-z0-9.]+))*\]);$' && echo parsed; fi
> parsed

# the links of the chain are bold edges, labelled with the call and time
$ grep -F 'penwidth=2]' g.dot
>   "n0" [label="dev-alice\nAKIAQXEXAMPLEALICE01\n(start)", fillcolor="#ffe599", peripheries=2, penwidth=2];
>   "n0" -> "n11" [label="AssumeRole 13:44", penwidth=2];
>   "n11" -> "n13" [label="AssumeRole 13:46", penwidth=2];
>   "n13" -> "n14" [label="CreateUser 13:47", penwidth=2];
>   "n13" -> "n15" [label="CreateAccessKey 13:47", penwidth=2];
>   "n15" -> "n20" [label="RunInstances 13:58", penwidth=2];

# findings are coloured by severity, the start drawn double
$ grep -c 'fillcolor="#e06666", shape=note' g.dot; grep -c 'peripheries=2' g.dot
> 2
> 1

# Mermaid: a flowchart whose lines are all nodes, edges or classes
$ ctscan trace -q -d i.db --access-key AKIAQXEXAMPLEALICE01 -o mermaid > g.mmd && sed -n 1,2p g.mmd && sed 1,2d g.mmd | grep -Evc '^  (n[0-9]+(\["|\(\["|\[\["|\{\{"|\[\(").*("\]|"\]\)|"\]\]|"\}\}|"\)\])|more\[".*"\]|n[0-9]+ (-->|==>|-\.->)\|".*"\| n[0-9]+|classDef [a-z]+ [a-z:#0-9, -]+|class n[0-9]+ [a-z,]+)$'
? 1
> %% ctscan trace --access-key AKIAQXEXAMPLEALICE01
> flowchart LR
> 0

$ grep -F '==>' g.mmd
>   n0 ==>|"AssumeRole 13:44"| n11
>   n11 ==>|"AssumeRole 13:46"| n13
>   n13 ==>|"CreateUser 13:47"| n14
>   n13 ==>|"CreateAccessKey 13:47"| n15
>   n15 ==>|"RunInstances 13:58"| n20

# --max-nodes keeps the links and says what is left out
$ ctscan trace -q -d i.db --access-key AKIAQXEXAMPLEALICE01 -o mermaid --max-nodes 6 | grep -E '^  (n[0-9]+|more)\['
>   n0["dev-alice<br>AKIAQXEXAMPLEALICE01<br>(start)"]
>   n11["ops-deploy/alice<br>ASIAQXEXAMPLEOPSDEP1"]
>   n13["admin-break-glass/maint<br>ASIAQXEXAMPLEBRKGLS2"]
>   n14["user backdoor-svc"]
>   n15["backdoor-svc<br>AKIAQXEXAMPLEBKDOOR3"]
>   n20[["i-0abc1234def567890<br>eni-0abc1234def567890<br>10.0.5.17"]]
>   more["19 more nodes not shown<br>(raise --max-nodes)"]

# nothing known from this key: no rows
$ ctscan trace -d i.db --access-key AKIAQXEXAMPLENOPE000
! trace: nothing found from --access-key AKIAQXEXAMPLENOPE000

# usage errors
$ ctscan trace -d i.db
? 2
! ctscan: trace needs a starting point: --access-key, --principal, --ip or --event-id
! usage: ctscan trace [-d INDEX] (--access-key KEY | --principal NAME | --ip ADDR | --event-id ID)
!              [--depth N] [--since T] [--until T] [-o FORMAT] [--max-nodes N] [-q]
! Try 'ctscan trace --help' for more information.

$ ctscan trace -d i.db --access-key AKIAQXEXAMPLEALICE01 --ip 203.0.113.66
? 2
! ctscan: trace starts from one point, not from --access-key and --ip
! usage: ctscan trace [-d INDEX] (--access-key KEY | --principal NAME | --ip ADDR | --event-id ID)
!              [--depth N] [--since T] [--until T] [-o FORMAT] [--max-nodes N] [-q]
! Try 'ctscan trace --help' for more information.

$ ctscan trace -d i.db --ip 203.0.113.0/24
? 2
! ctscan: --ip: '203.0.113.0/24' is not an IP address (192.0.2.10, 2001:db8::1)
! usage: ctscan trace [-d INDEX] (--access-key KEY | --principal NAME | --ip ADDR | --event-id ID)
!              [--depth N] [--since T] [--until T] [-o FORMAT] [--max-nodes N] [-q]
! Try 'ctscan trace --help' for more information.

$ ctscan trace -d i.db --access-key AKIAQXEXAMPLEALICE01 --depth many
? 2
! ctscan: --depth takes a number from 0 to 100, not 'many'
! usage: ctscan trace [-d INDEX] (--access-key KEY | --principal NAME | --ip ADDR | --event-id ID)
!              [--depth N] [--since T] [--until T] [-o FORMAT] [--max-nodes N] [-q]
! Try 'ctscan trace --help' for more information.

$ ctscan trace -d i.db --access-key AKIAQXEXAMPLEALICE01 --colour
? 2
! ctscan: unknown option '--colour'
! usage: ctscan trace [-d INDEX] (--access-key KEY | --principal NAME | --ip ADDR | --event-id ID)
!              [--depth N] [--since T] [--until T] [-o FORMAT] [--max-nodes N] [-q]
! Try 'ctscan trace --help' for more information.

$ ctscan trace -d i.db --access-key AKIAQXEXAMPLEALICE01 -o raw
? 2
! ctscan: unknown output format 'raw' (table, csv, tsv, json, ndjson, md, dot, mermaid)
! usage: ctscan trace [-d INDEX] (--access-key KEY | --principal NAME | --ip ADDR | --event-id ID)
!              [--depth N] [--since T] [--until T] [-o FORMAT] [--max-nodes N] [-q]
! Try 'ctscan trace --help' for more information.

$ ctscan trace -d i.db --access-key AKIAQXEXAMPLEALICE01 --max-nodes 5
? 2
! ctscan: --max-nodes applies to -o dot and -o mermaid
! usage: ctscan trace [-d INDEX] (--access-key KEY | --principal NAME | --ip ADDR | --event-id ID)
!              [--depth N] [--since T] [--until T] [-o FORMAT] [--max-nodes N] [-q]
! Try 'ctscan trace --help' for more information.

$ ctscan trace -d i.db --event-id 00000000-0000-0000-0000-000000000000
? 2
! ctscan: no event '00000000-0000-0000-0000-000000000000' in the index

# an event id in capitals finds the same event
$ ctscan trace -q -d i.db --event-id 8B8E93E4-B76D-4DA7-9340-4B3F048A1888 --depth 0 -o tsv | awk -F'\t' '$9 == "start" {print $7, $10}'
> RunInstances 8b8e93e4-b76d-4da7-9340-4b3f048a1888
