/*
 * gen-cloudtrail: write a synthetic CloudTrail corpus in the S3 delivery
 * layout, for the ctscan benchmark.
 *
 *   gen-cloudtrail [-n EVENTS] [-s SEED] [--attacks] OUTDIR
 *
 * OUTDIR/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/
 *   <acct>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<16 alnum>.json.gz
 *
 * Each file is one compact line {"Records":[...]} compressed with zlib at
 * level 6 in gzip framing.  The output depends only on -n, -s and --attacks:
 * the generator has its own PRNG (splitmix64) and never reads the clock for
 * content.  See bench/README.md for the model (accounts, identities,
 * sessions, event mix) and OUTDIR/ATTACKS.md for what --attacks plants.
 *
 * Request and response bodies come from templates written with single
 * quotes and $(var) placeholders; they are compiled once at start-up into
 * literal spans and variable ids.  A variable is drawn at most once per
 * event, so the same bucket or instance appears in requestParameters and in
 * resources.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- small utilities ---------------------------------------------------- */

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("gen-cloudtrail: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [0, n) */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static int rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

/* skewed towards 0: a few busy slots, a long tail of quiet ones */
static uint32_t rng_skew(struct rng *r, uint32_t n)
{
	return rng_below(r, rng_below(r, n) + 1);
}

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->len + need <= b->cap)
		return;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + need)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		die("out of memory");
	b->p = p;
	b->cap = cap;
}

static void buf_mem(struct buf *b, const void *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void buf_s(struct buf *b, const char *s)
{
	buf_mem(b, s, strlen(s));
}

static void buf_c(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->p[b->len++] = c;
}

static void buf_u(struct buf *b, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_reserve(b, (size_t)n);
	while (n)
		b->p[b->len++] = tmp[--n];
}

/* n characters drawn from an alphabet */
static void buf_rand(struct buf *b, struct rng *r, const char *alpha, size_t n)
{
	size_t k = strlen(alpha);

	buf_reserve(b, n);
	for (size_t i = 0; i < n; i++)
		b->p[b->len++] = alpha[rng_below(r, (uint32_t)k)];
}

/* JSON string contents; our own text never needs more than \" and \\ */
static void buf_jesc(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_c(b, '\\');
		buf_c(b, *s);
	}
}

static const char HEX[] = "0123456789abcdef";
static const char UHEX[] = "0123456789ABCDEF";
static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char ALNUM[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void rand_str(struct rng *r, char *out, const char *prefix, const char *alpha, size_t n)
{
	size_t k = strlen(alpha), p = strlen(prefix);

	memcpy(out, prefix, p);
	for (size_t i = 0; i < n; i++)
		out[p + i] = alpha[rng_below(r, (uint32_t)k)];
	out[p + n] = 0;
}

/* strlcpy: keeps -Wformat-truncation and -Wrestrict quiet where snprintf("%s") would not */
static void copy_str(char *dst, size_t n, const char *src)
{
	size_t k = strlen(src);

	if (k >= n)
		k = n - 1;
	memmove(dst, src, k);
	dst[k] = 0;
}

static void buf_uuid(struct buf *b, struct rng *r)
{
	uint64_t a = rng_next(r), c = rng_next(r);
	char u[36];
	int k = 0;

	for (int i = 0; i < 32; i++) {
		unsigned nib;

		if (i == 8 || i == 12 || i == 16 || i == 20)
			u[k++] = '-';
		nib = (unsigned)((i < 16 ? a >> (i * 4) : c >> ((i - 16) * 4)) & 15);
		if (i == 12)
			nib = 4;
		else if (i == 16)
			nib = 8 | (nib & 3);
		u[k++] = HEX[nib];
	}
	buf_mem(b, u, 36);
}

/* ---- time ------------------------------------------------------------------- */

struct civil {
	int y, mo, d, h, mi, s;
};

static void civil_from_time(int64_t t, struct civil *c)
{
	int64_t z = t / 86400, sod = t % 86400;

	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;

	c->y = (int)(y + (m <= 2));
	c->mo = (int)m;
	c->d = (int)d;
	c->h = (int)(sod / 3600);
	c->mi = (int)(sod / 60 % 60);
	c->s = (int)(sod % 60);
}

static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* 2024-03-04T12:34:56Z, 20 characters */
static void fmt_iso(char *out, int64_t t)
{
	struct civil c;

	civil_from_time(t, &c);
	put2(out, c.y / 100);
	put2(out + 2, c.y % 100);
	out[4] = '-';
	put2(out + 5, c.mo);
	out[7] = '-';
	put2(out + 8, c.d);
	out[10] = 'T';
	put2(out + 11, c.h);
	out[13] = ':';
	put2(out + 14, c.mi);
	out[16] = ':';
	put2(out + 17, c.s);
	out[19] = 'Z';
	out[20] = 0;
}

/* the form STS and IAM use in responses: "Mar 4, 2024, 1:05:09 PM" */
static void fmt_aws(char *out, size_t n, int64_t t)
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct civil c;
	int h12;

	civil_from_time(t, &c);
	h12 = c.h % 12 ? c.h % 12 : 12;
	snprintf(out, n, "%s %d, %d, %d:%02d:%02d %s", mon[c.mo - 1], c.d, c.y, h12, c.mi, c.s, c.h < 12 ? "AM" : "PM");
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the world: accounts, identities, resources ----------------------------- */

enum { RK_EC2, RK_LAMBDA, RK_HUMAN, RK_CI, RK_SVC, RK_N };

#define MAXACCT 3
#define MAXREG 6
#define NSLOT 12
#define NIP 300
#define NAWSIP 80

static const char *const all_regions[MAXREG] = {"us-east-1",    "us-west-2",      "eu-west-1",
						"eu-central-1", "ap-southeast-2", "ap-northeast-1"};
static const double region_w[MAXREG] = {1.0, .35, .25, .12, .08, .06};
static const double acct_w[MAXACCT] = {1.0, .45, .2};
static const char *const acct_alias[MAXACCT] = {"prod", "staging", "shared"};

struct user {
	char name[48], aida[24], akia[2][24], asia[24];
	uint64_t mask[4]; /* program users: the event kinds this one makes */
	int nkeys, human, ua_cli, nip;
	char ua[320];
	const char *browser;
	const char *ip[5];
};

struct role {
	char name[80], aroa[24];
	int rk, ua_cli;
	const char *svc;
	char ua[320];
};

struct inst {
	char id[24], eni[24], pip[16];
	const char *pub;
};

struct session {
	int role, user, inst;
	int64_t created, expires;
	char name[80], asia[24];
	const char *ua, *ip;
	int ua_cli, console;
};

struct account {
	char id[16];
	const char *alias;
	struct user users[32];
	int nusers, nhuman;
	struct role roles[32];
	int nroles;
	int rkidx[RK_N][8], nrk[RK_N];
	struct inst inst[48];
	char sg[10][24], subnet[8][28], vpc[3][24], ami[6][24], vol[40][28], snap[24][28];
	char kms[8][40], alias_[8][40], fn[14][48], bucket[12][64], secret[10][64];
	char param[24][64], table[8][40], queue[8][48], topic[8][48], db[5][40], cluster[3][40];
	char asg[6][48], tg[8][64], lb[4][64], policy[10][48], loggroup[20][80];
};

struct stream {
	int acct, region, nslot, light;
	double rate;
	int64_t next;
	struct session sess[RK_N][NSLOT];
};

/* ---- event kinds ------------------------------------------------------------ */

enum {
	F_RO = 1,       /* readOnly true */
	F_DATA = 2,     /* data event */
	F_GLOBAL = 4,   /* a global service: logged in us-east-1 only */
	F_SVC = 8,      /* may be called by an AWS service (AWSService identity) */
	F_ROOT = 16,    /* the root user may call it */
	F_SIGNIN = 32,  /* eventType AwsConsoleSignIn, no requestID */
	F_NOFAIL = 64,  /* never fails */
	F_S3 = 128,     /* S3: bracketed user agent, hex request id */
	F_ATTACK = 256, /* only planted by --attacks */
};

enum { W_ANY, W_EC2, W_LAMBDA, W_APP, W_HUMAN, W_HUMANUSER, W_PROG, W_SVCROLE };

struct kind {
	const char *src, *name;
	int w, flags, who;
	const char *svc;
	const char *req, *resp, *aed, *res;
};

#define S3AED(IN, OUT)                                                                                                 \
	"{'SignatureVersion':'SigV4','CipherSuite':'$(cipher)','bytesTransferredIn':" IN                               \
	",'AuthenticationMethod':'AuthHeader','x-amz-id-2':'$(amzid2)','bytesTransferredOut':" OUT "}"
#define S3OBJRES                                                                                                       \
	"[{'type':'AWS::S3::Object','ARN':'arn:aws:s3:::$(bucket)/$(key)'},{'accountId':'$(acct)','"                   \
	"type':'AWS::S3::Bucket','ARN':'arn:aws:s3:::$(bucket)'}]"
#define S3BUCKETRES "[{'accountId':'$(acct)','type':'AWS::S3::Bucket','ARN':'arn:aws:s3:::$(bucket)'}]"
#define KMSRES "[{'accountId':'$(acct)','type':'AWS::KMS::Key','ARN':'arn:aws:kms:$(region):$(acct):key/$(kms)'}]"
#define ROLERES "[{'accountId':'$(acct)','type':'AWS::IAM::Role','ARN':'arn:aws:iam::$(acct):role/$(role)'}]"
#define EC2OK "{'requestId':'$(uuid2)','_return':true}"
#define ASSUME_REQ "{'roleArn':'arn:aws:iam::$(acct):role/$(role)','roleSessionName':'$(sess)','durationSeconds':3600}"
#define ASSUME_RESP                                                                                                    \
	"{'credentials':{'accessKeyId':'$(asia)','sessionToken':'$(token)','expiration':'$(exp)'},"                    \
	"'assumedRoleUser':{'assumedRoleId':'$(aroa):$(sess)','arn':'arn:aws:sts::$(acct):assumed-role/$(role)/$(sess)'}}"

#define EC2 "ec2.amazonaws.com"
#define S3 "s3.amazonaws.com"
#define IAM "iam.amazonaws.com"
#define STS "sts.amazonaws.com"
#define KMS "kms.amazonaws.com"
#define LAMBDA "lambda.amazonaws.com"
#define LOGS "logs.amazonaws.com"
#define SSM "ssm.amazonaws.com"
#define CT "cloudtrail.amazonaws.com"
#define CONFIG "config.amazonaws.com"
#define SM "secretsmanager.amazonaws.com"
#define RDS "rds.amazonaws.com"
#define DDB "dynamodb.amazonaws.com"
#define SNS "sns.amazonaws.com"
#define SQS "sqs.amazonaws.com"
#define AS "autoscaling.amazonaws.com"
#define ELB "elasticloadbalancing.amazonaws.com"
#define CW "monitoring.amazonaws.com"
#define GD "guardduty.amazonaws.com"

enum {
	K_ASSUMEROLE = 0, /* the table's first entry: session preludes use it */
	K_CONSOLELOGIN = 1,
};

static const struct kind kinds[] = {
	{STS, "AssumeRole", 260, F_SVC, W_ANY, "ec2.amazonaws.com", ASSUME_REQ, ASSUME_RESP, NULL, ROLERES},
	{"signin.amazonaws.com", "ConsoleLogin", 14, F_GLOBAL | F_SIGNIN | F_NOFAIL | F_ROOT, W_HUMANUSER, NULL, NULL,
	 "{'ConsoleLogin':'Success'}",
	 "{'LoginTo':'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_$(region)_$(hex16)','MobileVersion':'No','MFAUsed':'$(mfa)'}",
	 NULL},
	/* ec2 */
	{EC2, "DescribeInstances", 190, F_RO | F_ROOT, W_ANY, NULL,
	 "{'instancesSet':{'items':[{'instanceId':'$(inst)'}]},'filterSet':{}}", NULL, NULL, NULL},
	{EC2, "DescribeInstances", 200, F_RO, W_ANY, NULL,
	 "{'maxResults':1000,'instancesSet':{},'filterSet':{'items':[{'name':'instance-state-name','valueSet':{'items':[{'value':'running'},{'value':'pending'}]}},{'name':'tag:Environment','valueSet':{'items':[{'value':'$(env)'}]}}]}}",
	 NULL, NULL, NULL},
	{EC2, "DescribeSecurityGroups", 110, F_RO, W_ANY, NULL,
	 "{'securityGroupSet':{'items':[{'groupId':'$(sg)'}]},'securityGroupIdSet':{},'filterSet':{}}", NULL, NULL,
	 NULL},
	{EC2, "DescribeVolumes", 70, F_RO, W_ANY, NULL,
	 "{'volumeSet':{},'filterSet':{'items':[{'name':'attachment.instance-id','valueSet':{'items':[{'value':'$(inst)'}]}}]}}",
	 NULL, NULL, NULL},
	{EC2, "DescribeSnapshots", 50, F_RO, W_ANY, NULL,
	 "{'snapshotSet':{},'ownersSet':{'items':[{'owner':'self'}]},'sharedUsersSet':{},'filterSet':{'items':[{'name':'volume-id','valueSet':{'items':[{'value':'$(vol)'}]}}]}}",
	 NULL, NULL, NULL},
	{EC2, "DescribeSubnets", 70, F_RO, W_ANY, NULL,
	 "{'subnetSet':{},'filterSet':{'items':[{'name':'vpc-id','valueSet':{'items':[{'value':'$(vpc)'}]}}]}}", NULL,
	 NULL, NULL},
	{EC2, "DescribeVpcs", 50, F_RO, W_ANY, NULL, "{'vpcSet':{'items':[{'vpcId':'$(vpc)'}]},'filterSet':{}}", NULL,
	 NULL, NULL},
	{EC2, "DescribeNetworkInterfaces", 100, F_RO, W_ANY, NULL,
	 "{'networkInterfaceIdSet':{'items':[{'networkInterfaceId':'$(eni)'}]},'filterSet':{}}", NULL, NULL, NULL},
	{EC2, "DescribeImages", 40, F_RO, W_ANY, NULL,
	 "{'executableBySet':{},'imagesSet':{'items':[{'imageId':'$(ami)'}]},'ownersSet':{},'filterSet':{}}", NULL,
	 NULL, NULL},
	{EC2, "DescribeInstanceStatus", 50, F_RO, W_ANY, NULL,
	 "{'instancesSet':{'items':[{'instanceId':'$(inst)'}]},'filterSet':{},'includeAllInstances':false}", NULL, NULL,
	 NULL},
	{EC2, "DescribeRegions", 25, F_RO, W_ANY, NULL, "{'regionSet':{}}", NULL, NULL, NULL},
	{EC2, "DescribeKeyPairs", 12, F_RO, W_ANY, NULL, "{'keySet':{},'filterSet':{}}", NULL, NULL, NULL},
	{EC2, "DescribeAddresses", 12, F_RO, W_ANY, NULL, "{'publicIpsSet':{},'allocationIdsSet':{},'filterSet':{}}",
	 NULL, NULL, NULL},
	{EC2, "DescribeRouteTables", 20, F_RO, W_ANY, NULL,
	 "{'routeTableIdSet':{},'filterSet':{'items':[{'name':'vpc-id','valueSet':{'items':[{'value':'$(vpc)'}]}}]}}",
	 NULL, NULL, NULL},
	{EC2, "RunInstances", 7, 0, W_PROG, NULL,
	 "{'instancesSet':{'items':[{'imageId':'$(ami)','minCount':1,'maxCount':1}]},'userData':'<sensitiveDataRemoved>','instanceType':'$(itype)','blockDeviceMapping':{},'monitoring':{'enabled':false},'disableApiTermination':false,'disableApiStop':false,'clientToken':'$(uuid)','networkInterfaceSet':{'items':[{'deviceIndex':0,'subnetId':'$(subnet)','associatePublicIpAddress':false,'groupSet':{'items':[{'groupId':'$(sg)'}]}}]},'iamInstanceProfile':{'name':'$(role)'},'tagSpecificationSet':{'items':[{'resourceType':'instance','tags':[{'key':'Name','value':'$(env)-app-$(num)'},{'key':'Environment','value':'$(env)'}]}]}}", "{'requestId':'$(uuid2)','reservationId':'r-0$(hex16)','ownerId':'$(acct)','groupSet':{},'instancesSet':{'items':[{'instanceId':'$(newinst)','imageId':'$(ami)','instanceState':{'code':0,'name':'pending'},'privateDnsName':'ip-$(pipdash).ec2.internal','amiLaunchIndex':0,'productCodes':{},'instanceType':'$(itype)','launchTime':$(ms),'placement':{'availabilityZone':'$(az)','tenancy':'default'},'monitoring':{'state':'disabled'},'subnetId':'$(subnet)','vpcId':'$(vpc)','privateIpAddress':'$(pip)','stateReason':{'code':'pending','message':'pending'},'architecture':'x86_64','rootDeviceType':'ebs','rootDeviceName':'/dev/xvda','blockDeviceMapping':{},'virtualizationType':'hvm','hypervisor':'xen','tagSet':{'items':[{'key':'Name','value':'$(env)-app-$(num)'},{'key':'Environment','value':'$(env)'}]},'groupSet':{'items':[{'groupId':'$(sg)','groupName':'$(env)-app'}]},'sourceDestCheck':true,'networkInterfaceSet':{'items':[{'networkInterfaceId':'$(neweni)','subnetId':'$(subnet)','vpcId':'$(vpc)','ownerId':'$(acct)','status':'in-use','macAddress':'$(mac)','privateIpAddress':'$(pip)','privateDnsName':'ip-$(pipdash).ec2.internal','sourceDestCheck':true,'interfaceType':'interface','groupSet':{'items':[{'groupId':'$(sg)','groupName':'$(env)-app'}]},'attachment':{'attachmentId':'eni-attach-0$(hex16)','deviceIndex':0,'networkCardIndex':0,'status':'attaching','attachTime':$(ms),'deleteOnTermination':true},'privateIpAddressesSet':{'item':[{'privateIpAddress':'$(pip)','privateDnsName':'ip-$(pipdash).ec2.internal','primary':true}]},'ipv6AddressesSet':{},'tagSet':{}}]},'iamInstanceProfile':{'arn':'arn:aws:iam::$(acct):instance-profile/$(role)','id':'AIPA$(newaida)'},'ebsOptimized':false,'enaSupport':true,'cpuOptions':{'coreCount':1,'threadsPerCore':2},'capacityReservationSpecification':{'capacityReservationPreference':'open'},'enclaveOptions':{'enabled':false},'metadataOptions':{'state':'pending','httpTokens':'required','httpPutResponseHopLimit':2,'httpEndpoint':'enabled','httpProtocolIpv4':'enabled','httpProtocolIpv6':'disabled','instanceMetadataTags':'disabled'},'maintenanceOptions':{'autoRecovery':'default'},'privateDnsNameOptions':{'hostnameType':'ip-name','enableResourceNameDnsARecord':false,'enableResourceNameDnsAAAARecord':false},'currentInstanceBootMode':'legacy-bios'}]},'requesterId':'940372691376'}",
	 NULL, NULL},
	{EC2, "TerminateInstances", 5, 0, W_PROG, NULL, "{'instancesSet':{'items':[{'instanceId':'$(inst)'}]}}",
	 "{'requestId':'$(uuid2)','instancesSet':{'items':[{'instanceId':'$(inst)','currentState':{'code':32,'name':'shutting-down'},'previousState':{'code':16,'name':'running'}}]}}",
	 NULL, NULL},
	{EC2, "StartInstances", 5, 0, W_HUMAN, NULL, "{'instancesSet':{'items':[{'instanceId':'$(inst)'}]}}",
	 "{'requestId':'$(uuid2)','instancesSet':{'items':[{'instanceId':'$(inst)','currentState':{'code':0,'name':'pending'},'previousState':{'code':80,'name':'stopped'}}]}}",
	 NULL, NULL},
	{EC2, "StopInstances", 5, 0, W_HUMAN, NULL,
	 "{'instancesSet':{'items':[{'instanceId':'$(inst)'}]},'force':false}",
	 "{'requestId':'$(uuid2)','instancesSet':{'items':[{'instanceId':'$(inst)','currentState':{'code':64,'name':'stopping'},'previousState':{'code':16,'name':'running'}}]}}",
	 NULL, NULL},
	{EC2, "CreateTags", 35, 0, W_ANY, NULL,
	 "{'resourcesSet':{'items':[{'resourceId':'$(inst)'}]},'tagSet':{'items':[{'key':'Owner','value':'$(user)'},{'key':'CostCenter','value':'cc-$(num)'}]}}",
	 EC2OK, NULL, NULL},
	{EC2, "CreateSnapshot", 9, 0, W_PROG, NULL, "{'volumeId':'$(vol)','description':'daily backup $(time)'}",
	 "{'requestId':'$(uuid2)','snapshotId':'$(snap)','volumeId':'$(vol)','status':'pending','startTime':$(ms),'progress':'','ownerId':'$(acct)','volumeSize':$(num),'encrypted':true,'kmsKeyId':'arn:aws:kms:$(region):$(acct):key/$(kms)'}",
	 NULL, NULL},
	{EC2,
	 "AuthorizeSecurityGroupIngress", 5, 0, W_PROG, NULL, "{'groupId':'$(sg)','ipPermissions':{'items':[{'ipProtocol':'tcp','fromPort':$(port),'toPort':$(port),'groups':{},'ipRanges':{'items':[{'cidrIp':'10.$(oct).0.0/16','description':'internal'}]},'ipv6Ranges':{},'prefixListIds':{}}]}}", "{'requestId':'$(uuid2)','_return':true,'securityGroupRuleSet':{'items':[{'groupOwnerId':'$(acct)','groupId':'$(sg)','securityGroupRuleId':'sgr-0$(hex16)','isEgress':false,'ipProtocol':'tcp','fromPort':$(port),'toPort':$(port),'cidrIpv4':'10.$(oct).0.0/16','description':'internal'}]}}",
	 NULL, NULL},
	{EC2, "CreateNetworkInterface", 9, 0, W_LAMBDA, NULL,
	 "{'subnetId':'$(subnet)','description':'AWS Lambda VPC ENI-$(fn)-$(uuid)','groupSet':{'items':[{'groupId':'$(sg)'}]},'privateIpAddressesSet':{}}",
	 "{'requestId':'$(uuid2)','networkInterface':{'networkInterfaceId':'$(neweni)','subnetId':'$(subnet)','vpcId':'$(vpc)','availabilityZone':'$(az)','description':'AWS Lambda VPC ENI-$(fn)-$(uuid)','ownerId':'$(acct)','requesterId':'AROA$(newaida):$(fn)','requesterManaged':false,'status':'pending','macAddress':'$(mac)','privateIpAddress':'$(pip)','privateDnsName':'ip-$(pipdash).ec2.internal','sourceDestCheck':true,'interfaceType':'lambda','groupSet':{'items':[{'groupId':'$(sg)','groupName':'$(fn)-sg'}]},'privateIpAddressesSet':{'item':[{'privateIpAddress':'$(pip)','privateDnsName':'ip-$(pipdash).ec2.internal','primary':true}]},'ipv6AddressesSet':{},'tagSet':{}}}",
	 NULL, NULL},
	{EC2, "DeleteNetworkInterface", 7, 0, W_LAMBDA, NULL, "{'networkInterfaceId':'$(eni)'}", EC2OK, NULL, NULL},
	/* s3 */
	{S3, "GetObject", 450, F_RO | F_DATA | F_S3, W_APP, NULL,
	 "{'bucketName':'$(bucket)','Host':'$(bucket).s3.$(region).amazonaws.com','key':'$(key)'}",
	 NULL, S3AED("0", "$(size)"), S3OBJRES},
	{S3, "PutObject", 220, F_DATA | F_S3, W_APP, NULL,
	 "{'bucketName':'$(bucket)','Host':'$(bucket).s3.$(region).amazonaws.com','key':'$(key)'}",
	 "{'x-amz-server-side-encryption':'AES256','x-amz-version-id':'$(s3ver)'}", S3AED("$(size)", "0"), S3OBJRES},
	{S3, "PutObject", 70, F_DATA | F_S3, W_APP, NULL,
	 "{'bucketName':'$(bucket)','Host':'$(bucket).s3.$(region).amazonaws.com','key':'$(key)','x-amz-server-side-encryption':'aws:kms','x-amz-server-side-encryption-aws-kms-key-id':'arn:aws:kms:$(region):$(acct):key/$(kms)'}",
	 "{'x-amz-server-side-encryption-aws-kms-key-id':'arn:aws:kms:$(region):$(acct):key/$(kms)','x-amz-server-side-encryption':'aws:kms','x-amz-version-id':'$(s3ver)'}",
	 S3AED("$(size)", "0"), S3OBJRES},
	{S3, "HeadObject", 110, F_RO | F_DATA | F_S3, W_APP, NULL,
	 "{'bucketName':'$(bucket)','Host':'$(bucket).s3.$(region).amazonaws.com','key':'$(key)'}", NULL,
	 S3AED("0", "0"), S3OBJRES},
	{S3, "DeleteObject", 55, F_DATA | F_S3, W_APP, NULL,
	 "{'bucketName':'$(bucket)','Host':'$(bucket).s3.$(region).amazonaws.com','key':'$(key)'}", NULL,
	 S3AED("0", "0"), S3OBJRES},
	{S3, "ListObjects", 100, F_RO | F_DATA | F_S3, W_ANY, NULL,
	 "{'list-type':'2','bucketName':'$(bucket)','encoding-type':'url','max-keys':'1000','prefix':'$(prefix)','delimiter':'/','Host':'$(bucket).s3.$(region).amazonaws.com'}",
	 NULL, S3AED("0", "$(size)"), S3BUCKETRES},
	{S3, "ListBuckets", 35, F_RO | F_S3 | F_ROOT, W_ANY, NULL, "{'Host':'s3.$(region).amazonaws.com'}", NULL,
	 S3AED("0", "$(size)"), NULL},
	{S3, "GetBucketAcl", 70, F_RO | F_S3 | F_SVC, W_ANY, "config.amazonaws.com",
	 "{'bucketName':'$(bucket)','Host':'$(bucket).s3.amazonaws.com','acl':''}", NULL, S3AED("0", "$(size)"),
	 S3BUCKETRES},
	{S3, "GetBucketLocation", 70, F_RO | F_S3, W_ANY, NULL,
	 "{'bucketName':'$(bucket)','Host':'$(bucket).s3.amazonaws.com','location':''}", NULL, S3AED("0", "$(size)"),
	 S3BUCKETRES},
	{S3, "GetBucketPolicy", 25, F_RO | F_S3, W_ANY, NULL,
	 "{'bucketName':'$(bucket)','Host':'$(bucket).s3.$(region).amazonaws.com','policy':''}", NULL,
	 S3AED("0", "$(size)"), S3BUCKETRES},
	{S3, "GetBucketVersioning", 25, F_RO | F_S3, W_ANY, NULL,
	 "{'bucketName':'$(bucket)','Host':'$(bucket).s3.$(region).amazonaws.com','versioning':''}", NULL,
	 S3AED("0", "$(size)"), S3BUCKETRES},
	{S3, "PutBucketPolicy", 3, F_S3, W_PROG, NULL,
	 "{'bucketPolicy':{'Version':'2012-10-17','Statement':[{'Sid':'AWSCloudTrailWrite','Effect':'Allow','Principal':{'Service':'cloudtrail.amazonaws.com'},'Action':'s3:PutObject','Resource':'arn:aws:s3:::$(bucket)/AWSLogs/$(acct)/*','Condition':{'StringEquals':{'s3:x-amz-acl':'bucket-owner-full-control'}}}]},'bucketName':'$(bucket)','Host':'$(bucket).s3.$(region).amazonaws.com','policy':''}",
	 NULL, S3AED("$(size)", "0"), S3BUCKETRES},
	/* iam */
	{IAM, "ListUsers", 18, F_RO | F_GLOBAL, W_ANY, NULL, NULL, NULL, NULL, NULL},
	{IAM, "ListRoles", 25, F_RO | F_GLOBAL, W_ANY, NULL, "{'maxItems':1000}", NULL, NULL, NULL},
	{IAM, "GetRole", 55, F_RO | F_GLOBAL, W_ANY, NULL, "{'roleName':'$(role)'}", NULL, NULL, NULL},
	{IAM, "GetUser", 18, F_RO | F_GLOBAL, W_ANY, NULL, "{'userName':'$(user)'}", NULL, NULL, NULL},
	{IAM, "ListAttachedRolePolicies", 28, F_RO | F_GLOBAL, W_ANY, NULL, "{'roleName':'$(role)'}", NULL, NULL, NULL},
	{IAM, "ListPolicies", 14, F_RO | F_GLOBAL, W_ANY, NULL, "{'scope':'Local','onlyAttached':false,'maxItems':100}",
	 NULL, NULL, NULL},
	{IAM, "ListGroups", 8, F_RO | F_GLOBAL, W_ANY, NULL, NULL, NULL, NULL, NULL},
	{IAM, "ListAccessKeys", 14, F_RO | F_GLOBAL, W_ANY, NULL, "{'userName':'$(user)'}", NULL, NULL, NULL},
	{IAM, "GetPolicyVersion", 18, F_RO | F_GLOBAL, W_ANY, NULL,
	 "{'policyArn':'arn:aws:iam::$(acct):policy/$(policy)','versionId':'v$(num)'}", NULL, NULL, NULL},
	{IAM, "GetAccountSummary", 3, F_RO | F_GLOBAL | F_ROOT, W_HUMAN, NULL, NULL, NULL, NULL, NULL},
	{IAM, "CreateUser", 2, F_GLOBAL, W_HUMAN, NULL,
	 "{'userName':'$(newuser)','tags':[{'key':'team','value':'$(env)'}]}",
	 "{'user':{'path':'/','userName':'$(newuser)','userId':'AIDA$(newaida)','arn':'arn:aws:iam::$(acct):user/$(newuser)','createDate':'$(cdate)','tags':[{'key':'team','value':'$(env)'}]}}",
	 NULL, NULL},
	{IAM, "CreateRole", 3, F_GLOBAL, W_PROG, NULL,
	 "{'roleName':'$(env)-$(fn)-role','assumeRolePolicyDocument':'{\\n  \\'Version\\': \\'2012-10-17\\',\\n  \\'Statement\\': [{\\'Effect\\': \\'Allow\\', \\'Principal\\': {\\'Service\\': \\'lambda.amazonaws.com\\'}, \\'Action\\': \\'sts:AssumeRole\\'}]\\n}','description':'execution role for $(fn)','maxSessionDuration':3600}",
	 "{'role':{'path':'/','roleName':'$(env)-$(fn)-role','roleId':'AROA$(newaida)','arn':'arn:aws:iam::$(acct):role/$(env)-$(fn)-role','createDate':'$(cdate)','assumeRolePolicyDocument':'%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D'}}",
	 NULL, NULL},
	{IAM, "AttachRolePolicy", 4, F_GLOBAL, W_PROG, NULL,
	 "{'roleName':'$(role)','policyArn':'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'}", NULL,
	 NULL, NULL},
	{IAM, "AttachUserPolicy", 2, F_GLOBAL, W_HUMAN, NULL,
	 "{'userName':'$(user)','policyArn':'arn:aws:iam::aws:policy/ReadOnlyAccess'}", NULL, NULL, NULL},
	{IAM, "CreateAccessKey", 2, F_GLOBAL, W_HUMAN, NULL, "{'userName':'$(user)'}",
	 "{'accessKey':{'userName':'$(user)','accessKeyId':'$(newakia)','status':'Active','createDate':'$(cdate)'}}",
	 NULL, NULL},
	/* sts */
	{STS, "GetCallerIdentity", 260, F_RO | F_NOFAIL, W_ANY, NULL, NULL, NULL, NULL, NULL},
	{STS, "GetSessionToken", 4, 0, W_PROG, NULL, "{'durationSeconds':3600}",
	 "{'credentials':{'accessKeyId':'$(asia)','sessionToken':'$(token)','expiration':'$(exp)'}}", NULL, NULL},
	/* kms */
	{KMS, "Decrypt", 500, F_RO | F_SVC, W_APP, "secretsmanager.amazonaws.com",
	 "{'encryptionContext':{'aws:lambda:FunctionArn':'arn:aws:lambda:$(region):$(acct):function:$(fn)'},'encryptionAlgorithm':'SYMMETRIC_DEFAULT'}",
	 NULL, NULL, KMSRES},
	{KMS, "Decrypt", 220, F_RO | F_SVC, W_APP, "s3.amazonaws.com",
	 "{'encryptionContext':{'aws:s3:arn':'arn:aws:s3:::$(bucket)/$(key)'},'encryptionAlgorithm':'SYMMETRIC_DEFAULT'}",
	 NULL, NULL, KMSRES},
	{KMS, "GenerateDataKey", 300, F_SVC, W_APP, "s3.amazonaws.com",
	 "{'keyId':'arn:aws:kms:$(region):$(acct):key/$(kms)','encryptionContext':{'aws:s3:arn':'arn:aws:s3:::$(bucket)/$(key)'},'keySpec':'AES_256'}",
	 NULL, NULL, KMSRES},
	{KMS, "Encrypt", 50, 0, W_APP, NULL,
	 "{'keyId':'$(alias)','encryptionAlgorithm':'SYMMETRIC_DEFAULT','encryptionContext':{'service':'$(fn)'}}", NULL,
	 NULL, KMSRES},
	{KMS, "DescribeKey", 50, F_RO, W_ANY, NULL, "{'keyId':'$(alias)'}", NULL, NULL, KMSRES},
	{KMS, "ListAliases", 14, F_RO, W_ANY, NULL, "{'limit':100}", NULL, NULL, NULL},
	{KMS, "ListKeys", 9, F_RO, W_ANY, NULL, "{'limit':1000}", NULL, NULL, NULL},
	/* lambda */
	{LAMBDA, "ListFunctions20150331", 35, F_RO, W_ANY, NULL, "{'functionVersion':'ALL','maxItems':50}", NULL, NULL,
	 NULL},
	{LAMBDA, "GetFunction20150331v2", 45, F_RO, W_ANY, NULL, "{'functionName':'$(fn)'}", NULL, NULL, NULL},
	{LAMBDA, "ListLayers20181031", 5, F_RO, W_ANY, NULL, "{'compatibleRuntime':'python3.12'}", NULL, NULL, NULL},
	{LAMBDA, "UpdateFunctionCode20150331v2", 9, 0, W_PROG, NULL,
	 "{'functionName':'$(fn)','s3Bucket':'$(bucket)','s3Key':'artifacts/$(fn)/$(hex32).zip','publish':true,'dryRun':false}",
	 "{'functionName':'$(fn)','functionArn':'arn:aws:lambda:$(region):$(acct):function:$(fn):$(num)','runtime':'python3.12','role':'arn:aws:iam::$(acct):role/$(role)','handler':'app.handler','codeSize':$(size),'description':'','timeout':30,'memorySize':512,'lastModified':'$(time)','codeSha256':'$(hex32)','version':'$(num)','tracingConfig':{'mode':'PassThrough'},'revisionId':'$(uuid)','state':'Active','lastUpdateStatus':'InProgress','lastUpdateStatusReason':'The function is being created.','lastUpdateStatusReasonCode':'Creating','packageType':'Zip','architectures':['x86_64'],'ephemeralStorage':{'size':512},'snapStart':{'applyOn':'None','optimizationStatus':'Off'},'runtimeVersionConfig':{'runtimeVersionArn':'arn:aws:lambda:$(region)::runtime:$(hex32)'},'loggingConfig':{'logFormat':'Text','logGroup':'/aws/lambda/$(fn)'}}",
	 NULL, NULL},
	{LAMBDA, "CreateFunction20150331", 2, 0, W_PROG, NULL,
	 "{'functionName':'$(fn)','runtime':'python3.12','role':'arn:aws:iam::$(acct):role/$(role)','handler':'app.handler','code':{'s3Bucket':'$(bucket)','s3Key':'artifacts/$(fn)/$(hex32).zip'},'timeout':30,'memorySize':512,'publish':true,'packageType':'Zip','architectures':['x86_64']}",
	 "{'functionName':'$(fn)','functionArn':'arn:aws:lambda:$(region):$(acct):function:$(fn)','runtime':'python3.12','role':'arn:aws:iam::$(acct):role/$(role)','handler':'app.handler','codeSize':$(size),'timeout':30,'memorySize':512,'lastModified':'$(time)','codeSha256':'$(hex32)','version':'1','state':'Pending','stateReason':'The function is being created.','stateReasonCode':'Creating','packageType':'Zip','architectures':['x86_64']}",
	 NULL, NULL},
	/* logs */
	{LOGS, "CreateLogStream", 380, 0, W_LAMBDA, NULL,
	 "{'logGroupName':'/aws/lambda/$(fn)','logStreamName':'$(logstream)'}", NULL, NULL, NULL},
	{LOGS, "DescribeLogGroups", 55, F_RO, W_ANY, NULL, "{'logGroupNamePrefix':'/aws/lambda/$(fn)','limit':50}",
	 NULL, NULL, NULL},
	{LOGS, "DescribeLogStreams", 55, F_RO, W_ANY, NULL,
	 "{'logGroupName':'$(loggroup)','orderBy':'LastEventTime','descending':true,'limit':50}", NULL, NULL, NULL},
	{LOGS, "CreateLogGroup", 9, 0, W_LAMBDA, NULL, "{'logGroupName':'/aws/lambda/$(fn)'}", NULL, NULL, NULL},
	{LOGS, "PutRetentionPolicy", 4, 0, W_PROG, NULL, "{'logGroupName':'$(loggroup)','retentionInDays':30}", NULL,
	 NULL, NULL},
	{LOGS, "FilterLogEvents", 28, F_RO, W_HUMAN, NULL,
	 "{'logGroupName':'$(loggroup)','startTime':$(ms),'filterPattern':'ERROR','interleaved':true}", NULL, NULL,
	 NULL},
	/* ssm */
	{SSM, "GetParameter", 230, F_RO, W_APP, NULL, "{'name':'$(param)','withDecryption':true}", NULL, NULL, NULL},
	{SSM, "GetParameters", 110, F_RO, W_APP, NULL, "{'names':['$(param)','$(param2)'],'withDecryption':true}", NULL,
	 NULL, NULL},
	{SSM, "UpdateInstanceInformation", 200, 0, W_EC2, NULL,
	 "{'instanceId':'$(inst)','agentVersion':'3.2.2222.0','agentStatus':'Active','platformType':'Linux','platformName':'Amazon Linux','platformVersion':'2023','iPAddress':'$(pip)','computerName':'ip-$(pipdash).ec2.internal','agentName':'amazon-ssm-agent','availabilityZone':'$(az)','availabilityZoneId':'use1-az$(num1)','sSMConnectionChannel':'ssmmessages'}",
	 NULL, NULL, NULL},
	{SSM, "DescribeInstanceInformation", 28, F_RO, W_ANY, NULL,
	 "{'filters':[{'key':'InstanceIds','values':['$(inst)']}],'maxResults':50}", NULL, NULL, NULL},
	{SSM, "SendCommand",
	 4, 0, W_HUMAN, NULL, "{'instanceIds':['$(inst)'],'documentName':'AWS-RunShellScript','parameters':'HIDDEN_DUE_TO_SECURITY_REASONS','interactive':false}", "{'command':{'commandId':'$(uuid)','documentName':'AWS-RunShellScript','documentVersion':'$DEFAULT','comment':'','expiresAfter':'$(exp)','parameters':'HIDDEN_DUE_TO_SECURITY_REASONS','instanceIds':['$(inst)'],'targets':[],'requestedDateTime':'$(cdate)','status':'Pending','statusDetails':'Pending','outputS3Region':'$(region)','outputS3BucketName':'','outputS3KeyPrefix':'','maxConcurrency':'50','maxErrors':'0','targetCount':1,'completedCount':0,'errorCount':0,'deliveryTimedOutCount':0,'serviceRole':'','notificationConfig':{'notificationArn':'','notificationEvents':[],'notificationType':''},'cloudWatchOutputConfig':{'cloudWatchLogGroupName':'','cloudWatchOutputEnabled':false},'timeoutSeconds':3600,'alarmConfiguration':{'ignorePollAlarmFailure':false,'alarms':[]},'triggeredAlarms':[]}}",
	 NULL, NULL},
	{SSM, "StartSession", 3, 0, W_HUMAN, NULL, "{'target':'$(inst)'}",
	 "{'sessionId':'$(user)-$(hex16)','tokenValue':'Value hidden due to security reasons.','streamUrl':'wss://ssmmessages.$(region).amazonaws.com/v1/data-channel/$(user)-$(hex16)?role=publish_subscribe&cell-number=AAEAAQ'}",
	 NULL, NULL},
	/* cloudtrail */
	{CT, "DescribeTrails", 14, F_RO | F_SVC, W_ANY, "config.amazonaws.com", "{'includeShadowTrails':true}", NULL,
	 NULL, NULL},
	{CT, "GetTrailStatus", 14, F_RO, W_ANY, NULL, "{'name':'arn:aws:cloudtrail:us-east-1:$(acct):trail/$(trail)'}",
	 NULL, NULL, NULL},
	{CT, "LookupEvents", 18, F_RO, W_HUMAN, NULL,
	 "{'lookupAttributes':[{'attributeKey':'EventName','attributeValue':'ConsoleLogin'}],'startTime':'$(cdate)','maxResults':50}",
	 NULL, NULL, NULL},
	{CT, "ListTrails", 9, F_RO, W_ANY, NULL, NULL, NULL, NULL, NULL},
	/* config */
	{CONFIG, "PutEvaluations", 55, 0, W_LAMBDA, NULL,
	 "{'evaluations':[{'complianceResourceType':'AWS::EC2::Instance','complianceResourceId':'$(inst)','complianceType':'COMPLIANT','orderingTimestamp':'$(cdate)'}],'resultToken':'$(token)','testMode':false}",
	 "{'failedEvaluations':[]}", NULL, NULL},
	{CONFIG, "DescribeConfigRules", 14, F_RO, W_ANY, NULL, "{}", NULL, NULL, NULL},
	{CONFIG, "DescribeConfigurationRecorders", 14, F_RO, W_ANY, NULL, "{}", NULL, NULL, NULL},
	/* secretsmanager */
	{SM, "GetSecretValue", 140, F_RO, W_APP, NULL,
	 "{'secretId':'arn:aws:secretsmanager:$(region):$(acct):secret:$(secret)'}", NULL, NULL, NULL},
	{SM, "DescribeSecret", 28, F_RO, W_ANY, NULL, "{'secretId':'$(secret)'}", NULL, NULL, NULL},
	{SM, "ListSecrets", 14, F_RO, W_ANY, NULL, "{'maxResults':100,'sortOrder':'asc'}", NULL, NULL, NULL},
	/* rds */
	{RDS, "DescribeDBInstances", 45, F_RO, W_ANY, NULL, "{'dBInstanceIdentifier':'$(db)'}", NULL, NULL, NULL},
	{RDS, "DescribeDBClusters", 18, F_RO, W_ANY, NULL, "{'includeShared':false}", NULL, NULL, NULL},
	{RDS, "CreateDBSnapshot", 3, 0, W_PROG, NULL,
	 "{'dBSnapshotIdentifier':'$(db)-$(hex8)','dBInstanceIdentifier':'$(db)'}",
	 "{'dBSnapshotIdentifier':'$(db)-$(hex8)','dBInstanceIdentifier':'$(db)','engine':'postgres','allocatedStorage':100,'status':'creating','port':5432,'availabilityZone':'$(az)','vpcId':'$(vpc)','instanceCreateTime':'$(cdate)','masterUsername':'app','engineVersion':'15.5','licenseModel':'postgresql-license','snapshotType':'manual','percentProgress':0,'storageType':'gp3','encrypted':true,'kmsKeyId':'arn:aws:kms:$(region):$(acct):key/$(kms)','dBSnapshotArn':'arn:aws:rds:$(region):$(acct):snapshot:$(db)-$(hex8)','iAMDatabaseAuthenticationEnabled':false,'dbiResourceId':'db-$(hex16)','snapshotTarget':'region','dedicatedLogVolume':false}",
	 NULL, NULL},
	/* dynamodb */
	{DDB, "DescribeTable", 65, F_RO, W_APP, NULL, "{'tableName':'$(table)'}", NULL, NULL,
	 "[{'accountId':'$(acct)','type':'AWS::DynamoDB::Table','ARN':'arn:aws:dynamodb:$(region):$(acct):table/$(table)'}]"},
	{DDB, "ListTables", 18, F_RO, W_ANY, NULL, NULL, NULL, NULL, NULL},
	{DDB, "DescribeContinuousBackups", 9, F_RO, W_ANY, NULL, "{'tableName':'$(table)'}", NULL, NULL,
	 "[{'accountId':'$(acct)','type':'AWS::DynamoDB::Table','ARN':'arn:aws:dynamodb:$(region):$(acct):table/$(table)'}]"},
	/* sns */
	{SNS, "Publish", 70, 0, W_APP, NULL,
	 "{'topicArn':'arn:aws:sns:$(region):$(acct):$(topic)','subject':'$(env) alert','message':'HIDDEN_DUE_TO_SECURITY_REASONS'}",
	 "{'messageId':'$(uuid)'}", NULL, NULL},
	{SNS, "ListTopics", 14, F_RO, W_ANY, NULL, NULL, NULL, NULL, NULL},
	{SNS, "GetTopicAttributes", 18, F_RO, W_ANY, NULL, "{'topicArn':'arn:aws:sns:$(region):$(acct):$(topic)'}",
	 NULL, NULL, NULL},
	/* sqs */
	{SQS, "GetQueueAttributes", 55, F_RO, W_APP, NULL,
	 "{'queueUrl':'https://sqs.$(region).amazonaws.com/$(acct)/$(queue)','attributeNames':['All']}", NULL, NULL,
	 NULL},
	{SQS, "ListQueues", 14, F_RO, W_ANY, NULL, "{'maxResults':1000}", NULL, NULL, NULL},
	{SQS, "CreateQueue", 2, 0, W_PROG, NULL,
	 "{'queueName':'$(env)-$(fn)-dlq','attributes':{'MessageRetentionPeriod':'1209600','VisibilityTimeout':'30'}}",
	 "{'queueUrl':'https://sqs.$(region).amazonaws.com/$(acct)/$(env)-$(fn)-dlq'}", NULL, NULL},
	/* autoscaling */
	{AS, "DescribeAutoScalingGroups", 55, F_RO, W_ANY, NULL, "{'autoScalingGroupNames':['$(asg)']}", NULL, NULL,
	 NULL},
	{AS, "UpdateAutoScalingGroup", 4, 0, W_PROG, NULL,
	 "{'autoScalingGroupName':'$(asg)','minSize':2,'maxSize':$(num),'desiredCapacity':3}", NULL, NULL, NULL},
	{AS, "DescribeScalingActivities", 14, F_RO, W_ANY, NULL, "{'autoScalingGroupName':'$(asg)','maxRecords':20}",
	 NULL, NULL, NULL},
	/* elasticloadbalancing */
	{ELB, "DescribeLoadBalancers", 35, F_RO, W_ANY, NULL, "{'pageSize':400}", NULL, NULL, NULL},
	{ELB, "DescribeTargetHealth", 90, F_RO, W_ANY, NULL,
	 "{'targetGroupArn':'arn:aws:elasticloadbalancing:$(region):$(acct):targetgroup/$(tg)'}", NULL, NULL, NULL},
	{ELB, "DescribeTargetGroups", 18, F_RO, W_ANY, NULL,
	 "{'loadBalancerArn':'arn:aws:elasticloadbalancing:$(region):$(acct):loadbalancer/$(lb)'}", NULL, NULL, NULL},
	{ELB, "RegisterTargets", 5, 0, W_SVCROLE, NULL,
	 "{'targetGroupArn':'arn:aws:elasticloadbalancing:$(region):$(acct):targetgroup/$(tg)','targets':[{'id':'$(inst)','port':8080}]}",
	 NULL, NULL, NULL},
	/* monitoring */
	{CW, "DescribeAlarms", 45, F_RO, W_ANY, NULL, "{'alarmNamePrefix':'$(env)-','maxRecords':100}", NULL, NULL,
	 NULL},
	{CW, "GetMetricData", 90, F_RO, W_ANY, NULL,
	 "{'metricDataQueries':[{'id':'m1','metricStat':{'metric':{'namespace':'AWS/EC2','metricName':'CPUUtilization','dimensions':[{'name':'InstanceId','value':'$(inst)'}]},'period':300,'stat':'Average'},'returnData':true}],'startTime':'$(cdate)','endTime':'$(exp)'}",
	 NULL, NULL, NULL},
	{CW, "PutMetricAlarm", 5, 0, W_PROG, NULL,
	 "{'alarmName':'$(env)-$(fn)-errors','actionsEnabled':true,'alarmActions':['arn:aws:sns:$(region):$(acct):$(topic)'],'metricName':'Errors','namespace':'AWS/Lambda','statistic':'Sum','dimensions':[{'name':'FunctionName','value':'$(fn)'}],'period':60,'evaluationPeriods':1,'threshold':1.0,'comparisonOperator':'GreaterThanOrEqualToThreshold','treatMissingData':'notBreaching'}",
	 NULL, NULL, NULL},
	/* guardduty */
	{GD, "ListDetectors", 9, F_RO, W_ANY, NULL, NULL, NULL, NULL, NULL},
	{GD, "GetFindings", 9, F_RO, W_HUMAN, NULL,
	 "{'detectorId':'$(detector)','findingIds':['$(hex32)'],'sortCriteria':{'attributeName':'severity','orderBy':'DESC'}}",
	 NULL, NULL, NULL},

	/* planted only: never drawn for the background */
	{CT, "StopLogging", 0, F_ATTACK, W_ANY, NULL, "{'name':'arn:aws:cloudtrail:us-east-1:$(acct):trail/$(trail)'}",
	 NULL, NULL, NULL},
	{CT, "DeleteTrail", 0, F_ATTACK, W_ANY, NULL, "{'name':'arn:aws:cloudtrail:us-east-1:$(acct):trail/$(trail)'}",
	 NULL, NULL, NULL},
	{GD, "DeleteDetector", 0, F_ATTACK, W_ANY, NULL, "{'detectorId':'$(detector)'}", NULL, NULL, NULL},
	{IAM, "AttachUserPolicy", 0, F_ATTACK, W_ANY, NULL,
	 "{'userName':'$(newuser)','policyArn':'arn:aws:iam::aws:policy/AdministratorAccess'}", NULL, NULL, NULL},
	{IAM, "CreateAccessKey", 0, F_ATTACK, W_ANY, NULL, "{'userName':'$(newuser)'}",
	 "{'accessKey':{'userName':'$(newuser)','accessKeyId':'$(newakia)','status':'Active','createDate':'$(cdate)'}}",
	 NULL, NULL},
	{S3, "PutBucketPolicy", 0, F_ATTACK | F_S3, W_ANY, NULL,
	 "{'bucketPolicy':{'Version':'2012-10-17','Statement':[{'Sid':'PublicRead','Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':'arn:aws:s3:::$(bucket)/*'}]},'bucketName':'$(bucket)','Host':'$(bucket).s3.$(region).amazonaws.com','policy':''}",
	 NULL, S3AED("$(size)", "0"), S3BUCKETRES},
	{EC2, "AuthorizeSecurityGroupIngress", 0, F_ATTACK, W_ANY, NULL,
	 "{'groupId':'$(sg)','ipPermissions':{'items':[{'ipProtocol':'tcp','fromPort':22,'toPort':22,'groups':{},'ipRanges':{'items':[{'cidrIp':'0.0.0.0/0'}]},'ipv6Ranges':{},'prefixListIds':{}}]}}",
	 "{'requestId':'$(uuid2)','_return':true,'securityGroupRuleSet':{'items':[{'groupOwnerId':'$(acct)','groupId':'$(sg)','securityGroupRuleId':'sgr-0$(hex16)','isEgress':false,'ipProtocol':'tcp','fromPort':22,'toPort':22,'cidrIpv4':'0.0.0.0/0'}]}}",
	 NULL, NULL},
	{EC2, "ModifySnapshotAttribute", 0, F_ATTACK, W_ANY, NULL,
	 "{'snapshotId':'$(snap)','createVolumePermission':{'add':{'items':[{'userId':'999988887777'}]}},'attributeType':'CREATE_VOLUME_PERMISSION'}",
	 EC2OK, NULL, NULL},
	{S3, "GetObject", 0, F_ATTACK | F_RO | F_DATA | F_S3, W_ANY, NULL,
	 "{'bucketName':'$(bucket)','Host':'$(bucket).s3.$(region).amazonaws.com','key':'$(key)'}", NULL,
	 S3AED("0", "$(size)"), S3OBJRES},
};

#define NKIND NELEM(kinds)
_Static_assert(NELEM(kinds) <= 256, "struct user mask holds 256 kinds");

/* ---- templates ----------------------------------------------------------- */

enum var {
	V_ACCT,
	V_REGION,
	V_TIME,
	V_MS,
	V_EXP,
	V_CDATE,
	V_INST,
	V_PIP,
	V_PIPDASH,
	V_ENI,
	V_SG,
	V_SUBNET,
	V_VPC,
	V_AZ,
	V_AMI,
	V_VOL,
	V_SNAP,
	V_KMS,
	V_ALIAS,
	V_FN,
	V_BUCKET,
	V_KEY,
	V_PREFIX,
	V_SIZE,
	V_AMZID2,
	V_S3VER,
	V_CIPHER,
	V_TABLE,
	V_QUEUE,
	V_TOPIC,
	V_DB,
	V_ASG,
	V_TG,
	V_LB,
	V_USER,
	V_ROLE,
	V_POLICY,
	V_SECRET,
	V_PARAM,
	V_PARAM2,
	V_LOGGROUP,
	V_LOGSTREAM,
	V_UUID,
	V_UUID2,
	V_HEX8,
	V_HEX16,
	V_HEX32,
	V_NUM,
	V_NUM1,
	V_ENV,
	V_ITYPE,
	V_PORT,
	V_OCT,
	V_NEWINST,
	V_NEWENI,
	V_MAC,
	V_NEWUSER,
	V_NEWAIDA,
	V_NEWAKIA,
	V_SESS,
	V_TOKEN,
	V_ASIA,
	V_AROA,
	V_MFA,
	V_DETECTOR,
	V_TRAIL,
	V_NVAR
};

static const char *const var_names[V_NVAR] = {
	"acct",     "region",    "time",   "ms",      "exp",      "cdate", "inst",    "pip",     "pipdash", "eni",
	"sg",       "subnet",    "vpc",    "az",      "ami",      "vol",   "snap",    "kms",     "alias",   "fn",
	"bucket",   "key",       "prefix", "size",    "amzid2",   "s3ver", "cipher",  "table",   "queue",   "topic",
	"db",       "asg",       "tg",     "lb",      "user",     "role",  "policy",  "secret",  "param",   "param2",
	"loggroup", "logstream", "uuid",   "uuid2",   "hex8",     "hex16", "hex32",   "num",     "num1",    "env",
	"itype",    "port",      "oct",    "newinst", "neweni",   "mac",   "newuser", "newaida", "newakia", "sess",
	"token",    "asia",      "aroa",   "mfa",     "detector", "trail",
};

/* a compiled template: literal spans alternating with variables */
struct seg {
	uint32_t off, len; /* literal in the template's text */
	int var;           /* -1 for none */
};

struct tpl {
	char *text;
	struct seg *segs;
	int nsegs;
};

struct ctpl {
	struct tpl req, resp, aed, res;
	char cli[96]; /* "command/ec2.describe-instances" */
};

static void tpl_compile(struct tpl *t, const char *src)
{
	size_t n;
	int cap = 8;
	char *o;
	uint32_t lit = 0;

	memset(t, 0, sizeof(*t));
	if (!src)
		return;
	n = strlen(src);
	t->text = malloc(n + 1);
	t->segs = malloc(sizeof(*t->segs) * (size_t)cap);
	if (!t->text || !t->segs)
		die("out of memory");
	o = t->text;
	for (size_t i = 0; i <= n; i++) {
		int var = -1;

		if (i < n && src[i] == '$' && src[i + 1] == '(') {
			const char *end = strchr(src + i, ')');
			size_t len;

			if (!end)
				die("bad template: %s", src);
			len = (size_t)(end - (src + i + 2));
			for (int v = 0; v < V_NVAR; v++)
				if (strlen(var_names[v]) == len && !memcmp(var_names[v], src + i + 2, len))
					var = v;
			if (var < 0)
				die("unknown template variable '%.*s'", (int)len, src + i + 2);
			i = (size_t)(end - src);
		} else if (i < n && src[i] == '\\' && src[i + 1] == '\'') {
			/* \' is a quote inside a JSON string: \" */
			*o++ = '\\';
			*o++ = '"';
			i++;
			continue;
		} else if (i < n) {
			*o++ = src[i] == '\'' ? '"' : src[i];
			continue;
		}
		if (t->nsegs == cap) {
			cap *= 2;
			t->segs = realloc(t->segs, sizeof(*t->segs) * (size_t)cap);
			if (!t->segs)
				die("out of memory");
		}
		t->segs[t->nsegs].off = lit;
		t->segs[t->nsegs].len = (uint32_t)((o - t->text) - lit);
		t->segs[t->nsegs].var = var;
		t->nsegs++;
		lit = (uint32_t)(o - t->text);
	}
}

/* ---- generator state --------------------------------------------------------- */

enum { A_USER, A_SESSION, A_SERVICE, A_ROOT };

struct actor {
	int type;
	const struct user *u;
	const struct session *s;
	const struct role *ro;
	const char *svc, *key, *ip, *ua;
	int ua_cli, console, mfa;
};

struct file_plan {
	int stream;
	int64_t t0, t1;
	int count, nattack;
};

struct planted {
	int file;
	size_t off, len;
};

struct gen {
	struct rng *r;
	struct rng content, plan, atk;
	struct account acct[MAXACCT];
	int nacct, nregions;
	struct stream streams[MAXACCT * MAXREG];
	int nstreams;
	char ips[NIP][48], awsips[NAWSIP][16], office[4][16];
	char company[16];
	struct ctpl ct[NKIND];
	int wsum_all, wsum_use1;

	/* the event being written */
	struct account *ac;
	int region;
	int64_t t;
	unsigned serial;
	unsigned vgen[V_NVAR];
	uint32_t voff[V_NVAR], vlen[V_NVAR];
	struct buf arena, req, resp, aed, res, tmp;
	int ix_inst, ix_role;
	char last_eid[40];

	/* output */
	struct file_plan *files;
	int nfiles;
	struct planted *planted;
	int nplanted, capplanted;
	struct buf atkbuf;
	uint64_t events, raw, gz;
};

static void var_set(struct gen *g, int v, const char *s)
{
	g->voff[v] = (uint32_t)g->arena.len;
	buf_s(&g->arena, s);
	g->vlen[v] = (uint32_t)(g->arena.len - g->voff[v]);
	g->vgen[v] = g->serial;
}

static void ev_begin(struct gen *g)
{
	g->serial++;
	g->arena.len = 0;
	g->ix_inst = -1;
	g->ix_role = -1;
}

#define PICK(arr) ((arr)[rng_below(r, (uint32_t)NELEM(arr))])

static const char *const envs[] = {"prod", "prod", "prod", "staging", "dev"};
static const char *const itypes[] = {"t3.medium",   "t3.large",  "m6i.large", "m6i.xlarge",
				     "c6g.2xlarge", "r6i.large", "t3.micro"};
static const int ports[] = {443, 5432, 6379, 8080, 3306, 9200};
static const char *const words[] = {"orders",  "invoices", "images",  "events", "users",    "sessions",
				    "metrics", "reports",  "exports", "models", "features", "clicks"};

static void gen_s3_key(struct gen *g, struct buf *b)
{
	struct rng *r = g->r;
	struct civil c;
	char d[16];

	civil_from_time(g->t - (int64_t)rng_below(r, 3) * 86400, &c);
	switch (rng_below(r, 7)) {
	case 0:
	case 1:
		snprintf(d, sizeof(d), "%04d/%02d/%02d", c.y, c.mo, c.d);
		buf_s(b, "data/");
		buf_s(b, PICK(words));
		buf_s(b, "/year=");
		buf_u(b, (uint64_t)c.y);
		buf_s(b, "/month=");
		buf_mem(b, d + 5, 2);
		buf_s(b, "/day=");
		buf_mem(b, d + 8, 2);
		buf_s(b, "/part-000");
		buf_u(b, 10 + rng_below(r, 90));
		buf_c(b, '-');
		buf_rand(b, r, HEX, 8);
		buf_s(b, ".snappy.parquet");
		break;
	case 2:
		buf_s(b, "uploads/");
		buf_rand(b, r, HEX, 12);
		buf_c(b, '/');
		buf_s(b, PICK(words));
		buf_s(b, rng_chance(r, .5) ? ".jpg" : ".pdf");
		break;
	case 3:
		snprintf(d, sizeof(d), "%04d-%02d-%02d", c.y, c.mo, c.d);
		buf_s(b, "backups/db/");
		buf_s(b, d);
		buf_s(b, "/dump-");
		buf_rand(b, r, HEX, 8);
		buf_s(b, ".sql.gz");
		break;
	case 4:
		buf_s(b, "artifacts/");
		buf_s(b, g->ac->fn[rng_below(r, NELEM(g->ac->fn))]);
		buf_c(b, '/');
		buf_rand(b, r, HEX, 40);
		buf_s(b, ".zip");
		break;
	case 5:
		snprintf(d, sizeof(d), "%04d/%02d/%02d", c.y, c.mo, c.d);
		buf_s(b, "reports/");
		buf_s(b, d);
		buf_c(b, '/');
		buf_s(b, PICK(words));
		buf_s(b, "-report.csv");
		break;
	default:
		snprintf(d, sizeof(d), "%04d/%02d/%02d", c.y, c.mo, c.d);
		buf_s(b, "events/");
		buf_s(b, PICK(envs));
		buf_c(b, '/');
		buf_s(b, d);
		buf_c(b, '/');
		buf_u(b, (uint64_t)c.h);
		buf_s(b, "/events-");
		buf_rand(b, r, ALNUM, 12);
		buf_s(b, ".json.gz");
		break;
	}
}

static void pick_inst(struct gen *g)
{
	if (g->ix_inst < 0)
		g->ix_inst = (int)rng_below(g->r, NELEM(g->ac->inst));
}

static void gen_token(struct gen *g, struct buf *b)
{
	buf_s(b, "IQoJb3JpZ2luX2VjE");
	buf_rand(b, g->r, B64, 300 + rng_below(g->r, 100));
	buf_s(b, "==");
}

/* produce the value of v into the arena (at most once per event) */
static void var_make(struct gen *g, int v)
{
	struct rng *r = g->r;
	struct account *ac = g->ac;
	struct buf *b = &g->arena;
	char tmp[64];

	g->voff[v] = (uint32_t)b->len;
	switch (v) {
	case V_ACCT: buf_s(b, ac->id); break;
	case V_REGION: buf_s(b, all_regions[g->region]); break;
	case V_TIME:
		fmt_iso(tmp, g->t);
		buf_s(b, tmp);
		break;
	case V_MS: buf_u(b, (uint64_t)g->t * 1000 + rng_below(r, 1000)); break;
	case V_EXP:
		fmt_aws(tmp, sizeof(tmp), g->t + 3600);
		buf_s(b, tmp);
		break;
	case V_CDATE:
		fmt_aws(tmp, sizeof(tmp), g->t);
		buf_s(b, tmp);
		break;
	case V_INST:
		pick_inst(g);
		buf_s(b, ac->inst[g->ix_inst].id);
		break;
	case V_PIP:
		pick_inst(g);
		buf_s(b, ac->inst[g->ix_inst].pip);
		break;
	case V_PIPDASH:
		pick_inst(g);
		for (const char *p = ac->inst[g->ix_inst].pip; *p; p++)
			buf_c(b, *p == '.' ? '-' : *p);
		break;
	case V_ENI:
		pick_inst(g);
		buf_s(b, ac->inst[g->ix_inst].eni);
		break;
	case V_SG: buf_s(b, PICK(ac->sg)); break;
	case V_SUBNET: buf_s(b, PICK(ac->subnet)); break;
	case V_VPC: buf_s(b, PICK(ac->vpc)); break;
	case V_AZ:
		buf_s(b, all_regions[g->region]);
		buf_c(b, (char)('a' + rng_below(r, 3)));
		break;
	case V_AMI: buf_s(b, PICK(ac->ami)); break;
	case V_VOL: buf_s(b, PICK(ac->vol)); break;
	case V_SNAP: buf_s(b, PICK(ac->snap)); break;
	case V_KMS: buf_s(b, PICK(ac->kms)); break;
	case V_ALIAS: buf_s(b, PICK(ac->alias_)); break;
	case V_FN: buf_s(b, PICK(ac->fn)); break;
	case V_BUCKET: buf_s(b, ac->bucket[rng_skew(r, NELEM(ac->bucket))]); break;
	case V_KEY: gen_s3_key(g, b); break;
	case V_PREFIX:
		buf_s(b, "data/");
		buf_s(b, PICK(words));
		buf_c(b, '/');
		break;
	case V_SIZE: {
		/* log-uniform from 128 bytes to 32 MiB */
		uint64_t base = 1ULL << (7 + rng_below(r, 18));

		buf_u(b, base + rng_next(r) % base);
		break;
	}
	case V_AMZID2:
		buf_rand(b, r, B64, 75);
		buf_c(b, '=');
		break;
	case V_S3VER: buf_rand(b, r, ALNUM, 32); break;
	case V_CIPHER: buf_s(b, "TLS_AES_128_GCM_SHA256"); break;
	case V_TABLE: buf_s(b, PICK(ac->table)); break;
	case V_QUEUE: buf_s(b, PICK(ac->queue)); break;
	case V_TOPIC: buf_s(b, PICK(ac->topic)); break;
	case V_DB: buf_s(b, PICK(ac->db)); break;
	case V_ASG: buf_s(b, PICK(ac->asg)); break;
	case V_TG: buf_s(b, PICK(ac->tg)); break;
	case V_LB: buf_s(b, PICK(ac->lb)); break;
	case V_USER: buf_s(b, ac->users[rng_below(r, (uint32_t)ac->nusers)].name); break;
	case V_ROLE:
		if (g->ix_role < 0)
			g->ix_role = (int)rng_below(r, (uint32_t)ac->nroles);
		buf_s(b, ac->roles[g->ix_role].name);
		break;
	case V_AROA:
		if (g->ix_role < 0)
			g->ix_role = (int)rng_below(r, (uint32_t)ac->nroles);
		buf_s(b, ac->roles[g->ix_role].aroa);
		break;
	case V_POLICY: buf_s(b, PICK(ac->policy)); break;
	case V_SECRET: buf_s(b, PICK(ac->secret)); break;
	case V_PARAM: buf_s(b, PICK(ac->param)); break;
	case V_PARAM2: buf_s(b, PICK(ac->param)); break;
	case V_LOGGROUP: buf_s(b, PICK(ac->loggroup)); break;
	case V_LOGSTREAM: {
		struct civil c;

		civil_from_time(g->t, &c);
		snprintf(tmp, sizeof(tmp), "%04d/%02d/%02d/[$LATEST]", c.y, c.mo, c.d);
		buf_s(b, tmp);
		buf_rand(b, r, HEX, 32);
		break;
	}
	case V_UUID:
	case V_UUID2: buf_uuid(b, r); break;
	case V_HEX8: buf_rand(b, r, HEX, 8); break;
	case V_HEX16: buf_rand(b, r, HEX, 16); break;
	case V_HEX32: buf_rand(b, r, HEX, 32); break;
	case V_NUM: buf_u(b, 1 + rng_below(r, 64)); break;
	case V_NUM1: buf_u(b, 1 + rng_below(r, 6)); break;
	case V_ENV: buf_s(b, PICK(envs)); break;
	case V_ITYPE: buf_s(b, PICK(itypes)); break;
	case V_PORT: buf_u(b, (uint64_t)PICK(ports)); break;
	case V_OCT: buf_u(b, rng_below(r, 32)); break;
	case V_NEWINST:
		buf_s(b, "i-0");
		buf_rand(b, r, HEX, 16);
		break;
	case V_NEWENI:
		buf_s(b, "eni-0");
		buf_rand(b, r, HEX, 16);
		break;
	case V_MAC:
		for (int i = 0; i < 6; i++) {
			if (i)
				buf_c(b, ':');
			if (i == 0)
				buf_s(b, "0a");
			else
				buf_rand(b, r, HEX, 2);
		}
		break;
	case V_NEWUSER:
		buf_s(b, "svc-");
		buf_s(b, PICK(words));
		buf_c(b, '-');
		buf_rand(b, r, HEX, 4);
		break;
	case V_NEWAIDA: buf_rand(b, r, B32, 17); break;
	case V_NEWAKIA:
		buf_s(b, "AKIA");
		buf_rand(b, r, B32, 16);
		break;
	case V_SESS:
		buf_s(b, "botocore-session-");
		buf_u(b, (uint64_t)g->t - rng_below(r, 30));
		break;
	case V_TOKEN: gen_token(g, b); break;
	case V_ASIA:
		buf_s(b, "ASIA");
		buf_rand(b, r, B32, 16);
		break;
	case V_MFA: buf_s(b, "Yes"); break;
	case V_DETECTOR: {
		/* one detector per account and region, stable */
		struct rng dr = {(uint64_t)g->region * 7919 + (uint64_t)strtoull(ac->id, NULL, 10)};

		buf_rand(b, &dr, HEX, 32);
		break;
	}
	case V_TRAIL: buf_s(b, "management-events"); break;
	default: die("variable %d has no generator", v);
	}
	g->vlen[v] = (uint32_t)(b->len - g->voff[v]);
	g->vgen[v] = g->serial;
}

static void tpl_render(struct gen *g, const struct tpl *t, struct buf *out)
{
	for (int i = 0; i < t->nsegs; i++) {
		const struct seg *s = &t->segs[i];
		int v = s->var;

		buf_mem(out, t->text + s->off, s->len);
		if (v < 0)
			continue;
		if (g->vgen[v] != g->serial)
			var_make(g, v);
		buf_mem(out, g->arena.p + g->voff[v], g->vlen[v]);
	}
}

/* ---- the world ------------------------------------------------------------ */

static const char *const first_names[] = {"alice", "bob",    "carol",   "dave", "erin",   "frank", "grace",  "heidi",
					  "ivan",  "judy",   "mallory", "niaj", "olivia", "peggy", "rupert", "sybil",
					  "trent", "victor", "walter",  "yuki", "zoe",    "omar",  "priya",  "liam"};
static const char *const last_names[] = {"smith",  "jones", "garcia", "chen",   "muller", "rossi", "tanaka", "kowalski",
					 "okafor", "silva", "nguyen", "larsen", "dubois", "novak", "patel",  "kim"};
static const char *const prog_users[] = {"ci-deploy",           "terraform",      "jenkins", "backup-svc",
					 "datadog-integration", "github-actions", "s3-sync", "monitoring-ro",
					 "legacy-app",          "etl-loader"};
static const char *const browsers[] = {
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2.1 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0",
	"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0",
};
static const char *const kernels[] = {"6.5.0-1014-aws", "5.15.0-91-generic", "6.1.66-91.160.amzn2023.x86_64",
				      "6.2.0-39-generic"};
static const char *const distros[] = {"ubuntu.22", "amzn.2023", "debian.12", "ubuntu.20"};

enum { UA_CLI, UA_BOTO3, UA_BOTO3_LAMBDA, UA_NODE_LAMBDA, UA_GO, UA_GOV2, UA_JAVA, UA_TERRAFORM };

/* returns whether the agent is the CLI (gets a per-call command/ suffix) */
static int make_ua(struct rng *r, int fam, char *out, size_t n)
{
	unsigned a = rng_below(r, 40), b = rng_below(r, 20), c = rng_below(r, 9);

	switch (fam) {
	case UA_CLI:
		switch (rng_below(r, 3)) {
		case 0:
			snprintf(out, n, "aws-cli/2.%u.%u Python/3.11.%u Linux/%s exe/x86_64.%s prompt/off", 13 + c % 3,
				 b, 4 + c % 5, PICK(kernels), PICK(distros));
			break;
		case 1:
			snprintf(out, n, "aws-cli/2.%u.%u Python/3.11.%u Darwin/23.%u.0 exe/x86_64 prompt/off",
				 13 + c % 3, b, 4 + c % 5, c % 4);
			break;
		default:
			snprintf(out, n, "aws-cli/2.%u.%u Python/3.11.%u Windows/10 exe/AMD64 prompt/off", 13 + c % 3,
				 b, 4 + c % 5);
			break;
		}
		return 1;
	case UA_BOTO3:
		if (rng_chance(r, .5)) { /* older SDKs: the pre-2023 form */
			snprintf(out, n,
				 "Boto3/1.26.%u Python/3.9.%u Linux/5.10.%u-%u.%u.amzn2.x86_64 Botocore/1.29.%u", a,
				 c + 10, 200 + b, 200 + a, 700 + a, a);
			return 0;
		}
		snprintf(out, n,
			 "Boto3/1.34.%u md/Botocore#1.34.%u ua/2.0 os/linux#5.10.%u-%u.%u.amzn2.x86_64 md/arch#x86_64 "
			 "lang/python#3.11.%u md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.%u",
			 a, a, 200 + b, 200 + a, 700 + a, c, a);
		return 0;
	case UA_BOTO3_LAMBDA:
		if (rng_chance(r, .5)) {
			snprintf(
				out, n,
				"Boto3/1.26.%u Python/3.9.%u Linux/5.10.%u-%u.%u.amzn2.x86_64 exec-env/AWS_Lambda_python3.9 "
				"Botocore/1.29.%u",
				a, c + 10, 200 + b, 200 + a, 700 + a, a);
			return 0;
		}
		snprintf(out, n,
			 "Boto3/1.34.%u md/Botocore#1.34.%u ua/2.0 os/linux#5.10.%u-%u.%u.amzn2.x86_64 md/arch#x86_64 "
			 "lang/python#3.12.%u md/pyimpl#CPython exec-env#AWS_Lambda_python3.12 cfg/retry-mode#legacy "
			 "Botocore/1.34.%u",
			 a, a, 200 + b, 200 + a, 700 + a, c, a);
		return 0;
	case UA_NODE_LAMBDA:
		snprintf(out, n,
			 "aws-sdk-js/3.5%02u.0 ua/2.0 os/linux#5.10.%u-%u.%u.amzn2.x86_64 lang/js md/nodejs#20.11.%u "
			 "api/s3#3.5%02u.0 exec-env/AWS_Lambda_nodejs20.x",
			 a, 200 + b, 200 + a, 700 + a, c, a);
		return 0;
	case UA_GO: snprintf(out, n, "aws-sdk-go/1.50.%u (go1.21.%u; linux; amd64)", a, c); return 0;
	case UA_GOV2:
		snprintf(
			out, n,
			"aws-sdk-go-v2/1.25.%u os/linux lang/go#1.21.%u md/GOOS#linux md/GOARCH#amd64 api/ec2#1.14%u.0",
			b, c, c);
		return 0;
	case UA_JAVA:
		snprintf(out, n,
			 "aws-sdk-java/2.21.%u Linux/5.10.%u-%u.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.%u+%u-LTS "
			 "Java/17.0.%u vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
			 a, 200 + b, 200 + a, c, c + 7, c);
		return 0;
	default:
		snprintf(
			out, n,
			"APN/1.0 HashiCorp/1.0 Terraform/1.6.%u (+https://www.terraform.io) terraform-provider-aws/5.3%u.0 "
			"(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.49.%u (go1.21.%u; linux; "
			"amd64)",
			c, c, a, c);
		return 0;
	}
}

static int reserved_ip(unsigned a, unsigned b, unsigned c)
{
	return a == 0 || a == 10 || a == 127 || a >= 224 || (a == 100 && b >= 64 && b < 128) ||
	       (a == 169 && b == 254) || (a == 172 && b >= 16 && b < 32) || (a == 192 && b == 168) ||
	       (a == 192 && b == 0 && c == 2) || (a == 198 && b == 51 && c == 100) ||
	       (a == 203 && b == 0 && c == 113) || (a == 198 && (b == 18 || b == 19));
}

static void make_ip(struct rng *r, char *out, size_t n, const unsigned *firsts, size_t nf)
{
	unsigned a, b, c, d;

	do {
		a = firsts ? firsts[rng_below(r, (uint32_t)nf)] : 1 + rng_below(r, 222);
		b = rng_below(r, 256);
		c = rng_below(r, 256);
		d = 1 + rng_below(r, 254);
	} while (reserved_ip(a, b, c));
	snprintf(out, n, "%u.%u.%u.%u", a, b, c, d);
}

static void world_init(struct gen *g, int nacct, int nregions)
{
	static const unsigned aws_firsts[] = {3, 18, 34, 35, 44, 52, 54};
	static const char *const companies[] = {"acme", "globex", "initech", "umbrella", "hooli", "vandelay"};
	struct rng *r = g->r;

	g->nacct = nacct;
	g->nregions = nregions;
	snprintf(g->company, sizeof(g->company), "%s", PICK(companies));
	for (int i = 0; i < NIP; i++) {
		if (i % 40 == 39)
			snprintf(g->ips[i], sizeof(g->ips[i]), "2600:1f18:%x:%x:%x:%x:%x:%x", rng_below(r, 65536),
				 rng_below(r, 65536), rng_below(r, 65536), rng_below(r, 65536), rng_below(r, 65536),
				 rng_below(r, 65536));
		else
			make_ip(r, g->ips[i], sizeof(g->ips[i]), NULL, 0);
	}
	for (int i = 0; i < NAWSIP; i++)
		make_ip(r, g->awsips[i], sizeof(g->awsips[i]), aws_firsts, NELEM(aws_firsts));
	for (int i = 0; i < 4; i++)
		make_ip(r, g->office[i], sizeof(g->office[i]), NULL, 0);

	for (int ai = 0; ai < nacct; ai++) {
		struct account *ac = &g->acct[ai];
		int nh = ai == 0 ? 16 : ai == 1 ? 10 : 6, np = ai == 0 ? 8 : ai == 1 ? 6 : 4;
		char name[96];

		memset(ac, 0, sizeof(*ac));
		snprintf(ac->id, sizeof(ac->id), "%u%011llu", 1 + rng_below(r, 9),
			 (unsigned long long)(rng_next(r) % 100000000000ULL));
		ac->alias = acct_alias[ai];
		for (int i = 0; i < nh + np; i++) {
			struct user *u = &ac->users[ac->nusers++];

			if (i < nh) {
				snprintf(u->name, sizeof(u->name), "%s.%s",
					 first_names[(i * 7 + ai * 5) % NELEM(first_names)],
					 last_names[(i * 3 + ai) % NELEM(last_names)]);
				u->human = 1;
				u->ua_cli = make_ua(r, rng_chance(r, .75) ? UA_CLI : UA_BOTO3, u->ua, sizeof(u->ua));
				u->browser = PICK(browsers);
				u->ip[0] = g->office[rng_below(r, 4)];
				u->nip = 1;
				while (u->nip < 2 || (u->nip < (int)NELEM(u->ip) && rng_chance(r, .6)))
					u->ip[u->nip++] = g->ips[rng_below(r, NIP)];
			} else {
				const char *pn = prog_users[(i - nh + ai * 3) % NELEM(prog_users)];
				int fam = !strcmp(pn, "terraform")                             ? UA_TERRAFORM
					  : !strcmp(pn, "ci-deploy") || !strcmp(pn, "jenkins") ? UA_CLI
					  : !strcmp(pn, "datadog-integration")                 ? UA_GO
					  : !strcmp(pn, "legacy-app")                          ? UA_JAVA
											       : UA_BOTO3;

				snprintf(u->name, sizeof(u->name), "%s", pn);
				u->ua_cli = make_ua(r, fam, u->ua, sizeof(u->ua));
				u->ip[0] = g->ips[rng_below(r, NIP)];
				u->nip = 1;
				/* a program does a dozen or so things, not everything */
				for (int k = 0; k < 14; k++) {
					unsigned ki = rng_below(r, NKIND);

					u->mask[ki / 64] |= 1ULL << (ki % 64);
				}
				u->mask[0] |= 1ULL << K_ASSUMEROLE;
			}
			rand_str(r, u->aida, "AIDA", B32, 17);
			u->nkeys = 1 + rng_chance(r, .3);
			for (int k = 0; k < u->nkeys; k++)
				rand_str(r, u->akia[k], "AKIA", B32, 16);
			rand_str(r, u->asia, "ASIA", B32, 16);
		}
		ac->nhuman = nh;

		/* resources */
		for (size_t i = 0; i < NELEM(ac->vpc); i++)
			rand_str(r, ac->vpc[i], "vpc-0", HEX, 16);
		for (size_t i = 0; i < NELEM(ac->subnet); i++)
			rand_str(r, ac->subnet[i], "subnet-0", HEX, 16);
		for (size_t i = 0; i < NELEM(ac->sg); i++)
			rand_str(r, ac->sg[i], "sg-0", HEX, 16);
		for (size_t i = 0; i < NELEM(ac->ami); i++)
			rand_str(r, ac->ami[i], "ami-0", HEX, 16);
		for (size_t i = 0; i < NELEM(ac->vol); i++)
			rand_str(r, ac->vol[i], "vol-0", HEX, 16);
		for (size_t i = 0; i < NELEM(ac->snap); i++)
			rand_str(r, ac->snap[i], "snap-0", HEX, 16);
		for (size_t i = 0; i < NELEM(ac->inst); i++) {
			struct inst *in = &ac->inst[i];

			rand_str(r, in->id, "i-0", HEX, 16);
			rand_str(r, in->eni, "eni-0", HEX, 16);
			snprintf(in->pip, sizeof(in->pip), "10.%u.%u.%u", ai, rng_below(r, 64), 4 + rng_below(r, 250));
			in->pub = g->awsips[rng_below(r, NAWSIP)];
		}
		for (size_t i = 0; i < NELEM(ac->kms); i++) {
			struct buf t = {0};

			buf_uuid(&t, r);
			buf_c(&t, 0);
			snprintf(ac->kms[i], sizeof(ac->kms[i]), "%s", t.p);
			free(t.p);
			snprintf(ac->alias_[i], sizeof(ac->alias_[i]), "alias/%s-%s", ac->alias,
				 words[i % NELEM(words)]);
		}
		static const char *const fns[] = {"order-processor",     "image-resizer",  "etl-loader",
						  "auth-token-refresh",  "report-builder", "s3-event-router",
						  "slack-notifier",      "cost-exporter",  "user-sync",
						  "webhook-handler",     "thumbnailer",    "queue-drainer",
						  "config-rule-checker", "backup-pruner"};
		for (size_t i = 0; i < NELEM(ac->fn); i++)
			snprintf(ac->fn[i], sizeof(ac->fn[i]), "%s", fns[i]);
		static const char *const bks[] = {"data",          "logs",        "artifacts",       "backups",
						  "static-assets", "ml-datasets", "terraform-state", "athena-results",
						  "uploads",       "exports",     "reports",         "cloudtrail"};
		for (size_t i = 0; i < NELEM(ac->bucket); i++)
			if (i >= 6) /* the kind whose names must be unique across accounts */
				snprintf(ac->bucket[i], sizeof(ac->bucket[i]), "%s-%s-%s-%s", g->company, ac->alias,
					 bks[i], ac->id);
			else
				snprintf(ac->bucket[i], sizeof(ac->bucket[i]), "%s-%s-%s", g->company, ac->alias,
					 bks[i]);
		for (size_t i = 0; i < NELEM(ac->secret); i++) {
			char sfx[8];

			rand_str(r, sfx, "", ALNUM, 6);
			snprintf(ac->secret[i], sizeof(ac->secret[i]), "%s/%s/%s-%s", ac->alias,
				 words[i % NELEM(words)], i % 2 ? "api-key" : "db-password", sfx);
		}
		static const char *const pk[] = {"db/host",       "db/port",   "db/user",    "api/endpoint",
						 "feature-flags", "queue-url", "cache/host", "log-level"};
		for (size_t i = 0; i < NELEM(ac->param); i++)
			snprintf(ac->param[i], sizeof(ac->param[i]), "/%s/%s/%s", ac->alias, words[i % NELEM(words)],
				 pk[i % NELEM(pk)]);
		for (size_t i = 0; i < NELEM(ac->table); i++)
			snprintf(ac->table[i], sizeof(ac->table[i]), "%s-%s", ac->alias, words[i]);
		for (size_t i = 0; i < NELEM(ac->queue); i++)
			snprintf(ac->queue[i], sizeof(ac->queue[i]), "%s-%s-queue%s", ac->alias, words[i + 2],
				 i % 3 == 2 ? ".fifo" : "");
		for (size_t i = 0; i < NELEM(ac->topic); i++)
			snprintf(ac->topic[i], sizeof(ac->topic[i]), "%s-%s-events", ac->alias, words[i + 1]);
		for (size_t i = 0; i < NELEM(ac->db); i++)
			snprintf(ac->db[i], sizeof(ac->db[i]), "%s-%s-db-%zu", ac->alias, words[i], i + 1);
		for (size_t i = 0; i < NELEM(ac->cluster); i++)
			snprintf(ac->cluster[i], sizeof(ac->cluster[i]), "%s-aurora-%zu", ac->alias, i + 1);
		for (size_t i = 0; i < NELEM(ac->asg); i++)
			snprintf(ac->asg[i], sizeof(ac->asg[i]), "%s-%s-asg", ac->alias, words[i + 3]);
		for (size_t i = 0; i < NELEM(ac->tg); i++) {
			char h[20];

			rand_str(r, h, "", HEX, 16);
			snprintf(ac->tg[i], sizeof(ac->tg[i]), "%s-%s-tg/%s", ac->alias, words[i], h);
		}
		for (size_t i = 0; i < NELEM(ac->lb); i++) {
			char h[20];

			rand_str(r, h, "", HEX, 16);
			snprintf(ac->lb[i], sizeof(ac->lb[i]), "app/%s-%s-alb/%s", ac->alias, words[i], h);
		}
		for (size_t i = 0; i < NELEM(ac->policy); i++)
			snprintf(ac->policy[i], sizeof(ac->policy[i]), "%s-%s-access", ac->alias, words[i]);
		for (size_t i = 0; i < NELEM(ac->loggroup); i++) {
			if (i < NELEM(ac->fn))
				snprintf(ac->loggroup[i], sizeof(ac->loggroup[i]), "/aws/lambda/%s", ac->fn[i]);
			else
				snprintf(ac->loggroup[i], sizeof(ac->loggroup[i]), "/ecs/%s-%s", ac->alias,
					 words[i - NELEM(ac->fn)]);
		}

		/* roles */
		static const char *const ec2r[] = {"web-app-ec2-role", "api-server-role", "batch-worker-role",
						   "eks-node-role"};
		static const int ec2fam[] = {UA_JAVA, UA_GOV2, UA_BOTO3, UA_GO};
		static const char *const humr[] = {"AdminRole", "DeveloperRole", "ReadOnlyRole",
						   "AWSReservedSSO_AdministratorAccess_4f8a2b1c9d3e7f60",
						   "AWSReservedSSO_PowerUserAccess_9a1b2c3d4e5f6a7b"};
		static const char *const cir[] = {"github-actions-deploy", "terraform-apply", "cross-account-audit"};
		static const char *const svcr[][2] = {
			{"AWSServiceRoleForConfig", "config.amazonaws.com"},
			{"AWSServiceRoleForAutoScaling", "autoscaling.amazonaws.com"},
			{"AWSServiceRoleForElasticLoadBalancing", "elasticloadbalancing.amazonaws.com"},
			{"AWSServiceRoleForTrustedAdvisor", "trustedadvisor.amazonaws.com"}};
		for (int rk = 0; rk < RK_N; rk++) {
			int n = rk == RK_EC2 ? 4 : rk == RK_LAMBDA ? 5 : rk == RK_HUMAN ? 5 : rk == RK_CI ? 3 : 4;

			for (int i = 0; i < n; i++) {
				struct role *ro = &ac->roles[ac->nroles];

				ac->rkidx[rk][ac->nrk[rk]++] = ac->nroles++;
				ro->rk = rk;
				rand_str(r, ro->aroa, "AROA", B32, 17);
				switch (rk) {
				case RK_EC2:
					snprintf(ro->name, sizeof(ro->name), "%s", ec2r[i]);
					ro->ua_cli = make_ua(r, ec2fam[i], ro->ua, sizeof(ro->ua));
					ro->svc = "ec2.amazonaws.com";
					break;
				case RK_LAMBDA:
					snprintf(name, sizeof(name), "%s-role", ac->fn[i]);
					copy_str(ro->name, sizeof(ro->name), name);
					ro->ua_cli = make_ua(r, i % 3 == 2 ? UA_NODE_LAMBDA : UA_BOTO3_LAMBDA, ro->ua,
							     sizeof(ro->ua));
					ro->svc = "lambda.amazonaws.com";
					break;
				case RK_HUMAN: snprintf(ro->name, sizeof(ro->name), "%s", humr[i]); break;
				case RK_CI: snprintf(ro->name, sizeof(ro->name), "%s", cir[i]); break;
				default:
					snprintf(ro->name, sizeof(ro->name), "%s", svcr[i][0]);
					ro->svc = svcr[i][1];
					snprintf(ro->ua, sizeof(ro->ua), "%s", svcr[i][1]);
					break;
				}
			}
		}
	}
}

/* ---- identities ------------------------------------------------------------- */

static void write_identity(struct gen *g, struct buf *b, const struct actor *a, const struct kind *k)
{
	const char *acct = g->ac->id;
	char iso[24];

	switch (a->type) {
	case A_SERVICE:
		buf_s(b, "{\"type\":\"AWSService\",\"invokedBy\":\"");
		buf_s(b, a->svc);
		buf_s(b, "\"}");
		return;
	case A_ROOT:
		buf_s(b, "{\"type\":\"Root\",\"principalId\":\"");
		buf_s(b, acct);
		buf_s(b, "\",\"arn\":\"arn:aws:iam::");
		buf_s(b, acct);
		buf_s(b, ":root\",\"accountId\":\"");
		buf_s(b, acct);
		if (k->flags & F_SIGNIN) {
			buf_s(b, "\",\"accessKeyId\":\"\"}");
			return;
		}
		buf_s(b, "\",\"accessKeyId\":\"");
		buf_s(b, a->key);
		fmt_iso(iso, g->t - 600);
		buf_s(b,
		      "\",\"sessionContext\":{\"sessionIssuer\":{},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"");
		buf_s(b, iso);
		buf_s(b, "\",\"mfaAuthenticated\":\"");
		buf_s(b, a->mfa ? "true" : "false");
		buf_s(b, "\"}}}");
		return;
	case A_USER:
		buf_s(b, "{\"type\":\"IAMUser\",\"principalId\":\"");
		buf_s(b, a->u->aida);
		buf_s(b, "\",\"arn\":\"arn:aws:iam::");
		buf_s(b, acct);
		buf_s(b, ":user/");
		buf_s(b, a->u->name);
		buf_s(b, "\",\"accountId\":\"");
		buf_s(b, acct);
		if (!(k->flags & F_SIGNIN)) {
			buf_s(b, "\",\"accessKeyId\":\"");
			buf_s(b, a->key);
		}
		buf_s(b, "\",\"userName\":\"");
		buf_s(b, a->u->name);
		if (a->console) {
			fmt_iso(iso, g->t - 1200);
			buf_s(b,
			      "\",\"sessionContext\":{\"sessionIssuer\":{},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"");
			buf_s(b, iso);
			buf_s(b, "\",\"mfaAuthenticated\":\"true\"}}}");
			return;
		}
		buf_s(b, "\"}");
		return;
	default: {
		const struct session *s = a->s;
		const struct role *ro = a->ro;

		buf_s(b, "{\"type\":\"AssumedRole\",\"principalId\":\"");
		buf_s(b, ro->aroa);
		buf_c(b, ':');
		buf_s(b, s->name);
		buf_s(b, "\",\"arn\":\"arn:aws:sts::");
		buf_s(b, acct);
		buf_s(b, ":assumed-role/");
		buf_s(b, ro->name);
		buf_c(b, '/');
		buf_s(b, s->name);
		buf_s(b, "\",\"accountId\":\"");
		buf_s(b, acct);
		buf_s(b, "\",\"accessKeyId\":\"");
		buf_s(b, s->asia);
		buf_s(b, "\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"");
		buf_s(b, ro->aroa);
		buf_s(b, "\",\"arn\":\"arn:aws:iam::");
		buf_s(b, acct);
		buf_s(b, ":role/");
		buf_s(b, ro->name);
		buf_s(b, "\",\"accountId\":\"");
		buf_s(b, acct);
		buf_s(b, "\",\"userName\":\"");
		buf_s(b, ro->name);
		buf_s(b, "\"},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"");
		fmt_iso(iso, s->created);
		buf_s(b, iso);
		buf_s(b, "\",\"mfaAuthenticated\":\"false\"}");
		if (ro->rk == RK_EC2)
			buf_s(b, ",\"ec2RoleDelivery\":\"2.0\"");
		buf_s(b, "}");
		if (a->svc) {
			buf_s(b, ",\"invokedBy\":\"");
			buf_s(b, a->svc);
			buf_c(b, '"');
		}
		buf_c(b, '}');
		return;
	}
	}
}

static void actor_arn(struct gen *g, const struct actor *a, struct buf *b)
{
	switch (a->type) {
	case A_USER:
		buf_s(b, "arn:aws:iam::");
		buf_s(b, g->ac->id);
		buf_s(b, ":user/");
		buf_s(b, a->u->name);
		break;
	case A_ROOT:
		buf_s(b, "arn:aws:iam::");
		buf_s(b, g->ac->id);
		buf_s(b, ":root");
		break;
	default:
		buf_s(b, "arn:aws:sts::");
		buf_s(b, g->ac->id);
		buf_s(b, ":assumed-role/");
		buf_s(b, a->ro->name);
		buf_c(b, '/');
		buf_s(b, a->s->name);
		break;
	}
}

/* the IAM action prefix of an event source */
static void iam_action(const struct kind *k, struct buf *b)
{
	const char *dot = strchr(k->src, '.');
	size_t n = (size_t)(dot - k->src);

	if (!strncmp(k->src, "monitoring", n))
		buf_s(b, "cloudwatch");
	else
		buf_mem(b, k->src, n);
	buf_c(b, ':');
	for (const char *p = k->name; *p && !(*p >= '0' && *p <= '9'); p++)
		buf_c(b, *p);
}

enum { ERR_NONE, ERR_DENIED, ERR_NOTFOUND, ERR_THROTTLE };

static void write_error(struct gen *g, struct buf *b, const struct kind *k, const struct actor *a, int err)
{
	struct rng *r = g->r;
	int ec2 = !strcmp(k->src, EC2), s3 = (k->flags & F_S3) != 0, iam = !strcmp(k->src, IAM);
	int exc = !strcmp(k->src, KMS) || !strcmp(k->src, LAMBDA) || !strcmp(k->src, SM) || !strcmp(k->src, SSM) ||
		  !strcmp(k->src, LOGS) || !strcmp(k->src, DDB) || !strcmp(k->src, CONFIG);

	buf_s(b, ",\"errorCode\":\"");
	switch (err) {
	case ERR_DENIED:
		buf_s(b, ec2 ? "Client.UnauthorizedOperation" : exc ? "AccessDeniedException" : "AccessDenied");
		buf_s(b, "\",\"errorMessage\":\"");
		if (s3) {
			buf_s(b, "Access Denied\"");
			return;
		}
		if (ec2)
			buf_s(b, "You are not authorized to perform this operation. User: ");
		else
			buf_s(b, "User: ");
		actor_arn(g, a, b);
		buf_s(b, " is not authorized to perform: ");
		iam_action(k, b);
		buf_s(b, " on resource: ");
		if (ec2) {
			buf_s(b, "arn:aws:ec2:");
			buf_s(b, all_regions[g->region]);
			buf_c(b, ':');
			buf_s(b, g->ac->id);
			buf_s(b, ":instance/* because no identity-based policy allows the ");
			iam_action(k, b);
			buf_s(b, " action. Encoded authorization failure message: ");
			buf_rand(b, r, B64URL, 300 + rng_below(r, 200));
		} else {
			buf_s(b, "arn:aws:");
			buf_mem(b, k->src, (size_t)(strchr(k->src, '.') - k->src));
			buf_c(b, ':');
			if (!iam) {
				buf_s(b, all_regions[g->region]);
			}
			buf_c(b, ':');
			buf_s(b, g->ac->id);
			buf_s(b, ":* because no identity-based policy allows the ");
			iam_action(k, b);
			buf_s(b, " action");
		}
		buf_c(b, '"');
		return;
	case ERR_NOTFOUND:
		if (iam) {
			buf_s(b, "NoSuchEntity\",\"errorMessage\":\"The role with name ");
			buf_s(b, g->ac->roles[rng_below(r, (uint32_t)g->ac->nroles)].name);
			buf_s(b, "-old cannot be found.\"");
		} else if (ec2) {
			buf_s(b, "Client.InvalidInstanceID.NotFound\",\"errorMessage\":\"The instance ID 'i-0");
			buf_rand(b, r, HEX, 16);
			buf_s(b, "' does not exist\"");
		} else if (s3) {
			buf_s(b, "NoSuchKey\",\"errorMessage\":\"The specified key does not exist.\"");
		} else if (!strcmp(k->src, SSM)) {
			buf_s(b, "ParameterNotFound\",\"errorMessage\":\"\"");
		} else if (!strcmp(k->name, "CreateLogStream")) {
			buf_s(b,
			      "ResourceAlreadyExistsException\",\"errorMessage\":\"The specified log stream already exists\"");
		} else {
			buf_s(b, "ResourceNotFoundException\",\"errorMessage\":\"Requested resource not found\"");
		}
		return;
	default:
		if (ec2)
			buf_s(b, "Client.RequestLimitExceeded\",\"errorMessage\":\"Request limit exceeded.\"");
		else
			buf_s(b, "ThrottlingException\",\"errorMessage\":\"Rate exceeded\"");
		return;
	}
}

static const char *host_for(const struct kind *k, int region, char *out, size_t n)
{
	const char *dot = strchr(k->src, '.');
	int sl = (int)(dot - k->src);

	if (k->flags & F_SIGNIN)
		snprintf(out, n, "%s.signin.aws.amazon.com", all_regions[region]);
	else if (!strcmp(k->src, IAM))
		snprintf(out, n, "iam.amazonaws.com");
	else if (!strcmp(k->src, STS) && region == 0)
		snprintf(out, n, "sts.amazonaws.com");
	else
		snprintf(out, n, "%.*s.%s.amazonaws.com", sl, k->src, all_regions[region]);
	return out;
}

/*
 * Write one event.  fail is an ERR_ code.  The templates' variables may be
 * preset by the caller between ev_begin() and this call.
 */
static void emit(struct gen *g, struct buf *out, int ki, const struct actor *a, int fail)
{
	const struct kind *k = &kinds[ki];
	const struct ctpl *ct = &g->ct[ki];
	struct rng *r = g->r;
	/* calls made by AWS itself (services, service-linked roles, the console backend) have no TLS details */
	int tls =
		a->type != A_SERVICE && strcmp(a->ip, "AWS Internal") && !(a->type == A_SESSION && a->ro->rk == RK_SVC);
	int tls13 = rng_chance(r, .7);
	char iso[24], host[128];

	if (g->vgen[V_CIPHER] != g->serial)
		var_set(g, V_CIPHER, tls13 ? "TLS_AES_128_GCM_SHA256" : "ECDHE-RSA-AES128-GCM-SHA256");
	g->req.len = g->resp.len = g->aed.len = g->res.len = 0;
	tpl_render(g, &ct->req, &g->req);
	if (!fail)
		tpl_render(g, &ct->resp, &g->resp);
	tpl_render(g, &ct->aed, &g->aed);
	tpl_render(g, &ct->res, &g->res);

	buf_s(out, "{\"eventVersion\":\"");
	buf_s(out, k->flags & F_DATA ? "1.10" : k->flags & F_SIGNIN ? "1.09" : (ki & 1) ? "1.09" : "1.08");
	buf_s(out, "\",\"userIdentity\":");
	write_identity(g, out, a, k);
	fmt_iso(iso, g->t);
	buf_s(out, ",\"eventTime\":\"");
	buf_s(out, iso);
	buf_s(out, "\",\"eventSource\":\"");
	buf_s(out, k->src);
	buf_s(out, "\",\"eventName\":\"");
	buf_s(out, k->name);
	buf_s(out, "\",\"awsRegion\":\"");
	buf_s(out, all_regions[g->region]);
	buf_s(out, "\",\"sourceIPAddress\":\"");
	buf_s(out, a->ip);
	buf_s(out, "\",\"userAgent\":\"");
	if ((k->flags & F_S3) && a->type != A_SERVICE && strcmp(a->ua, "AWS Internal") &&
	    !(a->type == A_SESSION && a->ro->rk == RK_SVC)) {
		buf_c(out, '[');
		buf_jesc(out, a->ua);
		if (a->ua_cli) {
			buf_c(out, ' ');
			buf_s(out, ct->cli);
		}
		buf_c(out, ']');
	} else {
		buf_jesc(out, a->ua);
		if (a->ua_cli) {
			buf_c(out, ' ');
			buf_s(out, ct->cli);
		}
	}
	buf_c(out, '"');
	if (fail)
		write_error(g, out, k, a, fail);
	buf_s(out, ",\"requestParameters\":");
	if (g->req.len)
		buf_mem(out, g->req.p, g->req.len);
	else
		buf_s(out, "null");
	buf_s(out, ",\"responseElements\":");
	if (g->resp.len)
		buf_mem(out, g->resp.p, g->resp.len);
	else
		buf_s(out, "null");
	if (g->aed.len) {
		buf_s(out, ",\"additionalEventData\":");
		buf_mem(out, g->aed.p, g->aed.len);
	}
	if (!(k->flags & F_SIGNIN)) {
		buf_s(out, ",\"requestID\":\"");
		if (k->flags & F_S3)
			buf_rand(out, r, UHEX, 16);
		else
			buf_uuid(out, r);
		buf_c(out, '"');
	}
	buf_s(out, ",\"eventID\":\"");
	{
		size_t at = out->len;

		buf_uuid(out, r);
		memcpy(g->last_eid, out->p + at, 36);
		g->last_eid[36] = 0;
	}
	buf_s(out, k->flags & F_RO ? "\",\"readOnly\":true" : "\",\"readOnly\":false");
	if (g->res.len) {
		buf_s(out, ",\"resources\":");
		buf_mem(out, g->res.p, g->res.len);
	}
	buf_s(out, k->flags & F_SIGNIN ? ",\"eventType\":\"AwsConsoleSignIn\"" : ",\"eventType\":\"AwsApiCall\"");
	buf_s(out, k->flags & F_DATA ? ",\"managementEvent\":false" : ",\"managementEvent\":true");
	buf_s(out, ",\"recipientAccountId\":\"");
	buf_s(out, g->ac->id);
	buf_c(out, '"');
	if (a->type == A_SERVICE) {
		buf_s(out, ",\"sharedEventID\":\"");
		buf_uuid(out, r);
		buf_c(out, '"');
	}
	if ((k->flags & F_DATA) && a->type == A_SESSION && a->ro->rk == RK_EC2 && (g->serial & 3) == 0) {
		buf_s(out, ",\"vpcEndpointId\":\"vpce-0");
		{
			struct rng vr = {(uint64_t)strtoull(g->ac->id, NULL, 10) + (uint64_t)g->region};

			buf_rand(out, &vr, HEX, 16);
		}
		buf_c(out, '"');
	}
	buf_s(out, k->flags & F_DATA ? ",\"eventCategory\":\"Data\"" : ",\"eventCategory\":\"Management\"");
	if (tls) {
		buf_s(out, ",\"tlsDetails\":{\"tlsVersion\":\"");
		buf_s(out, tls13 ? "TLSv1.3" : "TLSv1.2");
		buf_s(out, "\",\"cipherSuite\":\"");
		buf_mem(out, g->arena.p + g->voff[V_CIPHER], g->vlen[V_CIPHER]);
		buf_s(out, "\",\"clientProvidedHostHeader\":\"");
		if ((k->flags & F_S3) && g->vgen[V_BUCKET] == g->serial && g->req.len) {
			buf_mem(out, g->arena.p + g->voff[V_BUCKET], g->vlen[V_BUCKET]);
			buf_s(out, ".s3.");
			buf_s(out, all_regions[g->region]);
			buf_s(out, ".amazonaws.com");
		} else {
			buf_s(out, host_for(k, g->region, host, sizeof(host)));
		}
		buf_s(out, "\"}");
	}
	if (a->console)
		buf_s(out, ",\"sessionCredentialFromConsole\":\"true\"");
	buf_c(out, '}');
	g->events++;
}

/* ---- choosing who does what -------------------------------------------------- */

static void session_new(struct gen *g, struct stream *st, struct session *s, int rk)
{
	struct rng *r = g->r;
	struct account *ac = &g->acct[st->acct];
	const struct role *ro;
	char tmp[96];

	s->role = ac->rkidx[rk][rng_below(r, (uint32_t)ac->nrk[rk])];
	ro = &ac->roles[s->role];
	s->user = s->inst = -1;
	s->console = 0;
	s->created = g->t - rng_below(r, 5);
	s->expires = s->created + 3600;
	rand_str(r, s->asia, "ASIA", B32, 16);
	switch (rk) {
	case RK_EC2:
		s->inst = (int)rng_below(r, NELEM(ac->inst));
		copy_str(s->name, sizeof(s->name), ac->inst[s->inst].id);
		s->ua = ro->ua;
		s->ua_cli = ro->ua_cli;
		s->ip = ac->inst[s->inst].pub;
		break;
	case RK_LAMBDA:
		copy_str(s->name, sizeof(s->name), ac->fn[s->role - ac->rkidx[RK_LAMBDA][0]]);
		s->ua = ro->ua;
		s->ua_cli = 0;
		s->ip = g->awsips[rng_below(r, NAWSIP)];
		break;
	case RK_HUMAN: {
		const struct user *u;

		s->user = (int)rng_below(r, (uint32_t)ac->nhuman);
		u = &ac->users[s->user];
		if (!strncmp(ro->name, "AWSReservedSSO", 14))
			snprintf(tmp, sizeof(tmp), "%s@%s.com", u->name, g->company);
		else
			snprintf(tmp, sizeof(tmp), "%s", u->name);
		copy_str(s->name, sizeof(s->name), tmp);
		s->console = rng_chance(r, .4);
		s->ua = s->console ? u->browser : u->ua;
		s->ua_cli = s->console ? 0 : u->ua_cli;
		s->ip = u->ip[rng_below(r, (uint32_t)u->nip)];
		break;
	}
	case RK_CI: {
		const struct user *u;

		s->user = ac->nhuman + (int)rng_below(r, (uint32_t)(ac->nusers - ac->nhuman));
		u = &ac->users[s->user];
		s->ua = u->ua;
		s->ua_cli = u->ua_cli;
		if (rng_chance(r, .5)) {
			snprintf(tmp, sizeof(tmp), "%s-%lld", u->name, (long long)g->t);
			s->ip = u->ip[0];
		} else {
			/* a hosted runner: a new address every run */
			snprintf(tmp, sizeof(tmp), "GitHubActions");
			s->ip = g->ips[rng_below(r, NIP)];
		}
		copy_str(s->name, sizeof(s->name), tmp);
		break;
	}
	default: {
		static const char *const sn[] = {"AWSConfig-Describe", "AutoScaling", "ElasticLoadBalancing",
						 "TrustedAdvisor_Refresh"};

		snprintf(s->name, sizeof(s->name), "%s", sn[s->role - ac->rkidx[RK_SVC][0]]);
		s->ua = ro->svc;
		s->ua_cli = 0;
		s->ip = ro->svc;
		break;
	}
	}
}

/* the AssumeRole call that created session s */
static void emit_prelude(struct gen *g, struct stream *st, const struct session *s, struct buf *out)
{
	struct account *ac = &g->acct[st->acct];
	const struct role *ro = &ac->roles[s->role];
	struct actor a = {0};
	char exp[48];

	ev_begin(g);
	g->ix_role = s->role;
	var_set(g, V_SESS, s->name);
	var_set(g, V_ASIA, s->asia);
	fmt_aws(exp, sizeof(exp), s->expires);
	var_set(g, V_EXP, exp);
	if (ro->rk == RK_HUMAN || ro->rk == RK_CI) {
		const struct user *u = &ac->users[s->user];

		a.type = A_USER;
		a.u = u;
		a.key = u->akia[0];
		a.ip = s->ip;
		a.ua = u->ua;
		a.ua_cli = u->ua_cli;
	} else {
		a.type = A_SERVICE;
		a.svc = ro->svc;
		a.ip = ro->svc;
		a.ua = ro->svc;
	}
	emit(g, out, K_ASSUMEROLE, &a, ERR_NONE);
}

struct evlist {
	struct buf b;
	size_t *off;
	size_t n, cap;
};

static void evlist_mark(struct evlist *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->off = realloc(l->off, sizeof(*l->off) * (l->cap + 1));
		if (!l->off)
			die("out of memory");
	}
	l->off[l->n++] = l->b.len;
}

static int pick_kind(struct gen *g)
{
	int use1 = g->region == 0;
	int x = (int)rng_below(g->r, (uint32_t)(use1 ? g->wsum_use1 : g->wsum_all));

	for (size_t i = 0; i < NKIND; i++) {
		if (!use1 && (kinds[i].flags & F_GLOBAL))
			continue;
		if (x < kinds[i].w)
			return (int)i;
		x -= kinds[i].w;
	}
	return 2;
}

static const double rk_w_any[RK_N] = {.36, .26, .14, .16, .08};

/* one benign event (two if a session had to be created first); returns how many */
static int gen_one(struct gen *g, struct stream *st, struct evlist *l, int room)
{
	struct rng *r = g->r;
	struct account *ac = &g->acct[st->acct];
	int ki = pick_kind(g), n = 0, rk = -1, prog = -1;
	const struct kind *k = &kinds[ki];
	struct actor a = {0};
	int who = k->who;
	double x;
	int fail = ERR_NONE;

	switch (who) {
	case W_EC2: rk = RK_EC2; break;
	case W_LAMBDA: rk = RK_LAMBDA; break;
	case W_APP: rk = rng_chance(r, .55) ? RK_EC2 : RK_LAMBDA; break;
	case W_SVCROLE: rk = RK_SVC; break;
	case W_PROG: rk = rng_chance(r, .6) ? RK_CI : -1; break;
	case W_HUMAN: rk = rng_chance(r, .5) ? RK_HUMAN : -1; break;
	case W_HUMANUSER: rk = -1; break;
	default:
		x = rng_unit(r);
		if ((k->flags & F_SVC) && x < (ki == K_ASSUMEROLE ? .4 : .15)) {
			rk = -2;
		} else if (x < .55) {
			double y = rng_unit(r);

			for (rk = 0; rk < RK_N - 1 && y >= rk_w_any[rk]; rk++)
				y -= rk_w_any[rk];
			if (rk == RK_SVC && !(k->flags & F_RO))
				rk = RK_CI;
		} else {
			rk = -1;
		}
		break;
	}
	if (who == W_APP && (k->flags & F_SVC) && rng_chance(r, .25))
		rk = -2;
	if (rk == -1 && !(who == W_HUMAN || who == W_HUMANUSER || (who != W_PROG && rng_chance(r, .45)))) {
		/* a program user that makes this call, else a CI session */
		for (int tries = 0; tries < 6 && prog < 0; tries++) {
			int c = ac->nhuman + (int)rng_below(r, (uint32_t)(ac->nusers - ac->nhuman));

			if (ac->users[c].mask[ki / 64] >> (ki % 64) & 1)
				prog = c;
		}
		if (prog < 0)
			rk = RK_CI;
	}
	if (rk >= 0 && room < 2)
		rk = -1; /* no room for a prelude: fall back to a user */

	if ((k->flags & F_ROOT) && rng_chance(r, .002)) {
		const struct user *u = &ac->users[0];

		a.type = A_ROOT;
		a.ip = g->office[0];
		a.ua = (k->flags & F_SIGNIN) ? u->browser : "AWS Internal";
		a.key = u->asia;
		a.mfa = 1;
	} else if (rk == -2) {
		a.type = A_SERVICE;
		a.svc = k->svc ? k->svc : "ec2.amazonaws.com";
		a.ip = a.svc;
		a.ua = a.svc;
	} else if (rk < 0) {
		int human = prog < 0;
		int ui = human ? (int)rng_below(r, (uint32_t)ac->nhuman) : prog;
		const struct user *u = &ac->users[ui];

		a.type = A_USER;
		a.u = u;
		a.key = u->akia[rng_below(r, (uint32_t)u->nkeys)];
		a.ip = u->ip[rng_below(r, (uint32_t)u->nip)];
		a.ua = u->ua;
		a.ua_cli = u->ua_cli;
		if (k->flags & F_SIGNIN) {
			a.ua = u->browser;
			a.ua_cli = 0;
		} else if (human && rng_chance(r, .3)) {
			a.console = 1;
			a.key = u->asia;
			a.ua = rng_chance(r, .5) ? "AWS Internal" : u->browser;
			a.ua_cli = 0;
		}
	} else {
		struct session *s = &st->sess[rk][rng_skew(r, (uint32_t)st->nslot)];

		if (!s->expires || g->t >= s->expires || g->t < s->created) {
			int64_t t = g->t;

			session_new(g, st, s, rk);
			evlist_mark(l);
			emit_prelude(g, st, s, &l->b);
			n++;
			g->t = t;
		}
		a.type = A_SESSION;
		a.s = s;
		a.ro = &ac->roles[s->role];
		a.ip = s->ip;
		a.ua = s->ua;
		a.ua_cli = s->ua_cli;
		a.key = s->asia;
		a.console = s->console;
		if (s->console && rng_chance(r, .5)) {
			a.ua = "AWS Internal";
			if (rng_chance(r, .4))
				a.ip = "AWS Internal";
		}
	}

	if (a.type != A_SERVICE && !(k->flags & F_NOFAIL) && a.type != A_ROOT && rng_chance(r, .04)) {
		x = rng_unit(r);
		fail = x < .45 ? ERR_DENIED : x < .7 ? ERR_NOTFOUND : ERR_THROTTLE;
	}

	ev_begin(g);
	if (ki == K_ASSUMEROLE && a.type == A_SERVICE) {
		/* a service taking its role: an instance profile or a function's execution role */
		int lam = rng_chance(r, .45), rk2 = lam ? RK_LAMBDA : RK_EC2;

		a.svc = a.ip = a.ua = lam ? "lambda.amazonaws.com" : "ec2.amazonaws.com";
		g->ix_role = ac->rkidx[rk2][rng_below(r, (uint32_t)ac->nrk[rk2])];
		var_set(g, V_SESS,
			lam ? ac->fn[g->ix_role - ac->rkidx[RK_LAMBDA][0]]
			    : ac->inst[rng_below(r, NELEM(ac->inst))].id);
	}
	evlist_mark(l);
	emit(g, &l->b, ki, &a, fail);
	return n + 1;
}

/* ---- file plan -------------------------------------------------------------- */

#define T_BASE_DAYS 19786 /* 2024-03-04 */
#define TOTAL_RATE 4.0    /* events per second over all streams */

static void plan_files(struct gen *g, uint64_t n)
{
	struct rng *r = &g->plan;
	double wsum = 0;
	uint64_t total = 0;
	int cap = 256;

	g->files = malloc(sizeof(*g->files) * (size_t)cap);
	if (!g->files)
		die("out of memory");
	g->nstreams = 0;
	for (int a = 0; a < g->nacct; a++)
		for (int reg = 0; reg < g->nregions; reg++)
			wsum += acct_w[a] * region_w[reg];
	for (int a = 0; a < g->nacct; a++) {
		for (int reg = 0; reg < g->nregions; reg++) {
			struct stream *st = &g->streams[g->nstreams++];
			double w = acct_w[a] * region_w[reg];

			memset(st, 0, sizeof(*st));
			st->acct = a;
			st->region = reg;
			st->rate = TOTAL_RATE * w / wsum;
			st->nslot = 2 + (int)(10 * w);
			if (st->nslot > NSLOT)
				st->nslot = NSLOT;
			st->light = w < .3;
			st->next = T_BASE_DAYS * 86400LL + rng_below(r, 300);
		}
	}
	while (total < n) {
		struct stream *st = &g->streams[0];
		int si = 0, count, dur, dow;
		struct civil c;
		double f;
		struct file_plan *fp;

		for (int i = 1; i < g->nstreams; i++)
			if (g->streams[i].next < st->next)
				st = &g->streams[si = i];
		civil_from_time(st->next, &c);
		f = (c.h >= 13 && c.h < 23) ? 1.4 : (c.h >= 5 && c.h < 13) ? .9 : .6;
		dow = (int)((st->next / 86400 + 4) % 7); /* 0 Sunday: 1970-01-01 was a Thursday */
		if (c.h >= 13 && c.h < 23 && (dow == 0 || dow == 6))
			f = .8; /* quieter weekend afternoons */
		dur = 300 + (int)rng_below(r, 601);
		count = (int)(st->rate * f * dur);
		if (count > 2000) {
			count = 1800 + (int)rng_below(r, 200);
			dur = (int)(count / (st->rate * f));
			if (dur < 300)
				dur = 300;
		}
		if (g->nfiles == cap) {
			cap *= 2;
			g->files = realloc(g->files, sizeof(*g->files) * (size_t)cap);
			if (!g->files)
				die("out of memory");
		}
		fp = &g->files[g->nfiles++];
		fp->stream = si;
		fp->t0 = st->next;
		fp->t1 = st->next + dur;
		fp->nattack = 0;
		if (si != 0 && count < 150) {
			int minc = 150 + (int)rng_below(r, 200);
			double span = minc / (st->rate * f);

			count = minc;
			st->next += (int64_t)span;
		} else {
			if (count < 1)
				count = 1;
			st->next += dur;
		}
		if (total + (uint64_t)count > n)
			count = (int)(n - total);
		fp->count = count;
		total += (uint64_t)count;
	}
}

/* ---- attacks -------------------------------------------------------------------- */

#define ATTACKER_IP "203.0.113.66"
#define ATTACKER_IP2 "198.51.100.23"
#define KALI_CLI "aws-cli/2.13.4 Python/3.11.4 Linux/6.5.0-kali3-amd64 exe/x86_64.kali.2023 prompt/off"
#define KALI_BOTO                                                                                                      \
	"Boto3/1.28.85 md/Botocore#1.31.85 ua/2.0 os/linux#6.5.0-kali3-amd64 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.31.85"
#define KALI_FIREFOX "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0 Kali"

struct attack_doc {
	struct buf md;
};

static int find_kind(const char *name, int attack)
{
	for (size_t i = 0; i < NKIND; i++)
		if (!strcmp(kinds[i].name, name) && ((kinds[i].flags & F_ATTACK) != 0) == attack)
			return (int)i;
	die("no event kind '%s'", name);
	return -1;
}

/* the stream-0 file covering time t (stream 0 has no gaps) */
static int file_at(struct gen *g, int64_t t)
{
	int last = -1;

	for (int i = 0; i < g->nfiles; i++) {
		if (g->files[i].stream != 0 || g->files[i].count == 0)
			continue;
		last = i;
		if (t >= g->files[i].t0 && t < g->files[i].t1)
			return i;
		if (g->files[i].t0 > t)
			return i;
	}
	return last;
}

static void plant(struct gen *g, struct attack_doc *d, int64_t t, const char *kname, int attack, const struct actor *a,
		  int fail)
{
	int fi = file_at(g, t);
	int ki = find_kind(kname, attack);
	char iso[24];
	struct planted *p;

	if (fi < 0)
		die("no file for a planted event");
	if (t < g->files[fi].t0 || t >= g->files[fi].t1)
		t = g->files[fi].t0 + (t % 60);
	g->t = t;
	g->ac = &g->acct[0];
	g->region = 0;
	if (g->nplanted == g->capplanted) {
		g->capplanted = g->capplanted ? g->capplanted * 2 : 256;
		g->planted = realloc(g->planted, sizeof(*g->planted) * (size_t)g->capplanted);
		if (!g->planted)
			die("out of memory");
	}
	p = &g->planted[g->nplanted++];
	p->file = fi;
	p->off = g->atkbuf.len;
	emit(g, &g->atkbuf, ki, a, fail);
	g->events--; /* counted again when its file is written */
	p->len = g->atkbuf.len - p->off;
	g->files[fi].nattack++;
	fmt_iso(iso, t);
	buf_s(&d->md, "| ");
	buf_s(&d->md, iso);
	buf_s(&d->md, " | ");
	buf_s(&d->md, kinds[ki].name);
	buf_s(&d->md, fail ? " (AccessDenied)" : "");
	buf_s(&d->md, " | ");
	buf_s(&d->md, g->last_eid);
	buf_s(&d->md, " |\n");
}

static void doc_head(struct attack_doc *d, const char *title, const char *what, const struct actor *a, struct gen *g)
{
	buf_s(&d->md, "\n## ");
	buf_s(&d->md, title);
	buf_s(&d->md, "\n\n");
	buf_s(&d->md, what);
	buf_s(&d->md, "\n\n- account: ");
	buf_s(&d->md, g->acct[0].id);
	buf_s(&d->md, ", region: us-east-1\n- principal: ");
	if (a->type == A_ROOT) {
		buf_s(&d->md, "arn:aws:iam::");
		buf_s(&d->md, g->acct[0].id);
		buf_s(&d->md, ":root");
	} else {
		g->ac = &g->acct[0];
		actor_arn(g, a, &d->md);
	}
	if (a->key && a->type != A_ROOT) {
		buf_s(&d->md, " (access key ");
		buf_s(&d->md, a->key);
		buf_s(&d->md, ")");
	}
	buf_s(&d->md, "\n- source IP: ");
	buf_s(&d->md, a->ip);
	buf_s(&d->md, "\n- user agent: ");
	buf_s(&d->md, a->ua);
	buf_s(&d->md, "\n\n| eventTime | eventName | eventID |\n| --- | --- | --- |\n");
}

static void plan_attacks(struct gen *g, const char *outdir)
{
	struct account *ac = &g->acct[0];
	struct attack_doc d = {0};
	int64_t s0 = -1, s1 = 0, t;
	struct actor a;
	struct session sess;
	struct role *ro;
	char path[4096], newuser[64], newakia[32], asia[32];
	FILE *f;
	static const char *const recon[] = {"DescribeInstances",
					    "DescribeSecurityGroups",
					    "DescribeVolumes",
					    "DescribeSnapshots",
					    "DescribeSubnets",
					    "DescribeVpcs",
					    "DescribeNetworkInterfaces",
					    "DescribeImages",
					    "DescribeInstanceStatus",
					    "DescribeRegions",
					    "DescribeKeyPairs",
					    "DescribeAddresses",
					    "DescribeRouteTables",
					    "ListBuckets",
					    "ListUsers",
					    "ListRoles",
					    "ListAttachedRolePolicies",
					    "ListPolicies",
					    "ListGroups",
					    "ListAccessKeys",
					    "ListAliases",
					    "ListKeys",
					    "DescribeKey",
					    "ListFunctions20150331",
					    "ListLayers20181031",
					    "DescribeLogGroups",
					    "DescribeLogStreams",
					    "DescribeInstanceInformation",
					    "DescribeTrails",
					    "ListTrails",
					    "DescribeConfigRules",
					    "DescribeConfigurationRecorders",
					    "DescribeSecret",
					    "ListSecrets",
					    "DescribeDBInstances",
					    "DescribeDBClusters",
					    "ListTables",
					    "DescribeTable",
					    "ListTopics",
					    "ListQueues",
					    "DescribeAutoScalingGroups",
					    "DescribeLoadBalancers",
					    "DescribeTargetGroups",
					    "DescribeAlarms",
					    "ListDetectors"};
	static const char *const denied[] = {"ListUsers",    "ListRoles",           "GetRole",
					     "ListPolicies", "ListAccessKeys",      "GetUser",
					     "ListGroups",   "GetBucketPolicy",     "GetBucketAcl",
					     "ListBuckets",  "GetBucketVersioning", "GetBucketLocation"};

	g->r = &g->atk;
	for (int i = 0; i < g->nfiles; i++) {
		if (g->files[i].stream != 0)
			continue;
		if (s0 < 0)
			s0 = g->files[i].t0;
		s1 = g->files[i].t1;
	}
	if (s0 < 0 || s1 - s0 < 1500)
		die("--attacks needs a longer corpus (try -n 5000 or more)");
#define AT(frac) (s0 + (int64_t)((double)(s1 - s0 - 900) * (frac)))

	buf_s(&d.md, "# Planted attacks\n\nWritten by gen-cloudtrail --attacks. Every planted event is in account ");
	buf_s(&d.md, ac->id);
	buf_s(&d.md, ", region us-east-1, and comes from " ATTACKER_IP " or " ATTACKER_IP2
		     "; no background event uses those addresses, a user agent containing \"kali\", or any of the "
		     "patterns below.\n");

	/* 1: StopLogging + DeleteTrail by a compromised user */
	memset(&a, 0, sizeof(a));
	a.type = A_USER;
	a.u = &ac->users[3];
	a.key = ac->users[3].akia[0];
	a.ip = ATTACKER_IP;
	a.ua = KALI_CLI;
	a.ua_cli = 1;
	doc_head(&d, "1. CloudTrail disabled: StopLogging then DeleteTrail",
		 "A compromised IAM user looks at the trails, stops logging and deletes the trail.", &a, g);
	t = AT(.05);
	ev_begin(g);
	plant(g, &d, t, "DescribeTrails", 0, &a, 0);
	ev_begin(g);
	plant(g, &d, t + 41, "StopLogging", 1, &a, 0);
	ev_begin(g);
	plant(g, &d, t + 97, "DeleteTrail", 1, &a, 0);

	/* 2: root console login without MFA */
	memset(&a, 0, sizeof(a));
	a.type = A_ROOT;
	a.ip = ATTACKER_IP;
	a.ua = KALI_FIREFOX;
	doc_head(&d, "2. Root console sign-in without MFA", "The root user signs in to the console with MFAUsed No.",
		 &a, g);
	ev_begin(g);
	var_set(g, V_MFA, "No");
	plant(g, &d, AT(.14), "ConsoleLogin", 0, &a, 0);

	/* 3: CreateUser, CreateAccessKey within 2 minutes, AttachUserPolicy AdministratorAccess */
	memset(&a, 0, sizeof(a));
	a.type = A_USER;
	a.u = &ac->users[5];
	a.key = ac->users[5].akia[0];
	a.ip = ATTACKER_IP;
	a.ua = KALI_CLI;
	a.ua_cli = 1;
	snprintf(newuser, sizeof(newuser), "support-maint");
	rand_str(g->r, newakia, "AKIA", B32, 16);
	doc_head(&d, "3. Backdoor user: CreateUser, CreateAccessKey, AttachUserPolicy AdministratorAccess",
		 "A new IAM user `support-maint` gets an access key 70 seconds after it is created, then "
		 "arn:aws:iam::aws:policy/AdministratorAccess.",
		 &a, g);
	t = AT(.23);
	ev_begin(g);
	var_set(g, V_NEWUSER, newuser);
	plant(g, &d, t, "CreateUser", 0, &a, 0);
	ev_begin(g);
	var_set(g, V_NEWUSER, newuser);
	var_set(g, V_NEWAKIA, newakia);
	plant(g, &d, t + 70, "CreateAccessKey", 1, &a, 0);
	ev_begin(g);
	var_set(g, V_NEWUSER, newuser);
	plant(g, &d, t + 104, "AttachUserPolicy", 1, &a, 0);

	/* 4: public bucket policy */
	memset(&a, 0, sizeof(a));
	a.type = A_USER;
	a.u = &ac->users[3];
	a.key = ac->users[3].akia[0];
	a.ip = ATTACKER_IP;
	a.ua = KALI_CLI;
	a.ua_cli = 1;
	doc_head(&d, "4. Bucket made public: PutBucketPolicy with Principal \"*\"",
		 "The bucket policy of the data bucket is replaced by one granting s3:GetObject to everyone.", &a, g);
	ev_begin(g);
	var_set(g, V_BUCKET, ac->bucket[0]);
	plant(g, &d, AT(.32), "PutBucketPolicy", 1, &a, 0);

	/* 5: SSH open to the world */
	doc_head(&d, "5. Security group opened: AuthorizeSecurityGroupIngress 0.0.0.0/0 port 22",
		 "TCP 22 is opened to 0.0.0.0/0.", &a, g);
	ev_begin(g);
	plant(g, &d, AT(.41), "AuthorizeSecurityGroupIngress", 1, &a, 0);

	/* 6: GuardDuty detector deleted */
	doc_head(&d, "6. GuardDuty disabled: DeleteDetector", "The GuardDuty detector is listed and deleted.", &a, g);
	t = AT(.50);
	ev_begin(g);
	plant(g, &d, t, "ListDetectors", 0, &a, 0);
	ev_begin(g);
	plant(g, &d, t + 23, "DeleteDetector", 1, &a, 0);

	/* 7: 60 AccessDenied from one key within 5 minutes */
	memset(&a, 0, sizeof(a));
	a.type = A_USER;
	a.u = &ac->users[ac->nhuman + 2];
	a.key = ac->users[ac->nhuman + 2].akia[0];
	a.ip = ATTACKER_IP;
	a.ua = KALI_BOTO;
	doc_head(&d, "7. Permission probing: 60 AccessDenied calls from one key within 5 minutes",
		 "A stolen program key tries IAM and S3 calls it may not make; all 60 fail with AccessDenied, "
		 "4 to 5 seconds apart.",
		 &a, g);
	t = AT(.59);
	for (int i = 0; i < 60; i++) {
		ev_begin(g);
		plant(g, &d, t + i * 4 + (i % 3 == 0), denied[i % NELEM(denied)], 0, &a, ERR_DENIED);
	}

	/* 8: GetCallerIdentity then 40 distinct List/Describe calls by a leaked key */
	memset(&a, 0, sizeof(a));
	a.type = A_USER;
	a.u = &ac->users[ac->nhuman + 0];
	a.key = ac->users[ac->nhuman + 0].akia[0];
	a.ip = ATTACKER_IP;
	a.ua = KALI_CLI;
	a.ua_cli = 1;
	doc_head(&d, "8. Reconnaissance with a leaked key: GetCallerIdentity then 40 distinct List*/Describe* calls",
		 "A leaked AKIA key checks who it is, then enumerates the account (40 distinct API calls, 8 s apart).",
		 &a, g);
	t = AT(.68);
	ev_begin(g);
	plant(g, &d, t, "GetCallerIdentity", 0, &a, 0);
	for (int i = 0; i < 40; i++) {
		ev_begin(g);
		plant(g, &d, t + 9 + i * 8, recon[i], 0, &a, 0);
	}

	/* 9: snapshot shared with an outside account */
	memset(&a, 0, sizeof(a));
	a.type = A_USER;
	a.u = &ac->users[5];
	a.key = ac->users[5].akia[0];
	a.ip = ATTACKER_IP;
	a.ua = KALI_CLI;
	a.ua_cli = 1;
	doc_head(&d, "9. Snapshot exfiltration: ModifySnapshotAttribute sharing with 999988887777",
		 "An EBS snapshot gets createVolumePermission for the outside account 999988887777.", &a, g);
	ev_begin(g);
	plant(g, &d, AT(.77), "ModifySnapshotAttribute", 1, &a, 0);

	/* 10: leaked key -> AssumeRole -> CreateUser + CreateAccessKey -> the new user from elsewhere */
	memset(&a, 0, sizeof(a));
	a.type = A_USER;
	a.u = &ac->users[ac->nhuman + 1];
	a.key = ac->users[ac->nhuman + 1].akia[0];
	a.ip = ATTACKER_IP;
	a.ua = KALI_CLI;
	a.ua_cli = 1;
	ro = &ac->roles[ac->rkidx[RK_HUMAN][0]];
	memset(&sess, 0, sizeof(sess));
	sess.role = ac->rkidx[RK_HUMAN][0];
	snprintf(sess.name, sizeof(sess.name), "maint-%u", 1000 + rng_below(g->r, 9000));
	rand_str(g->r, asia, "ASIA", B32, 16);
	copy_str(sess.asia, sizeof(sess.asia), asia);
	t = AT(.86);
	sess.created = t;
	sess.expires = t + 3600;
	doc_head(&d, "10. Privilege chain: leaked key, AssumeRole, new user's access key, new user used elsewhere",
		 "A leaked key assumes the AdminRole; the session creates the IAM user `sync-agent` and, 4 minutes "
		 "later, an access key for it; that key is then used from " ATTACKER_IP2 ".",
		 &a, g);
	ev_begin(g);
	g->ix_role = sess.role;
	var_set(g, V_SESS, sess.name);
	var_set(g, V_ASIA, asia);
	{
		char exp[48];

		fmt_aws(exp, sizeof(exp), sess.expires);
		var_set(g, V_EXP, exp);
	}
	plant(g, &d, t, "AssumeRole", 0, &a, 0);
	memset(&a, 0, sizeof(a));
	a.type = A_SESSION;
	a.s = &sess;
	a.ro = ro;
	a.key = asia;
	a.ip = ATTACKER_IP;
	a.ua = KALI_CLI;
	a.ua_cli = 1;
	snprintf(newuser, sizeof(newuser), "sync-agent");
	rand_str(g->r, newakia, "AKIA", B32, 16);
	buf_s(&d.md, "\nThen, as the assumed-role session (access key ");
	buf_s(&d.md, asia);
	buf_s(&d.md, "):\n\n| eventTime | eventName | eventID |\n| --- | --- | --- |\n");
	ev_begin(g);
	plant(g, &d, t + 30, "GetCallerIdentity", 0, &a, 0);
	ev_begin(g);
	var_set(g, V_NEWUSER, newuser);
	plant(g, &d, t + 75, "CreateUser", 0, &a, 0);
	ev_begin(g);
	var_set(g, V_NEWUSER, newuser);
	var_set(g, V_NEWAKIA, newakia);
	plant(g, &d, t + 75 + 240, "CreateAccessKey", 1, &a, 0);
	{
		static struct user nu;

		memset(&nu, 0, sizeof(nu));
		copy_str(nu.name, sizeof(nu.name), newuser);
		rand_str(g->r, nu.aida, "AIDA", B32, 17);
		memset(&a, 0, sizeof(a));
		a.type = A_USER;
		a.u = &nu;
		a.key = newakia;
		a.ip = ATTACKER_IP2;
		a.ua = KALI_BOTO;
		buf_s(&d.md, "\nThen, as the new user arn:aws:iam::");
		buf_s(&d.md, ac->id);
		buf_s(&d.md, ":user/sync-agent with key ");
		buf_s(&d.md, newakia);
		buf_s(&d.md, " from " ATTACKER_IP2 ":\n\n| eventTime | eventName | eventID |\n| --- | --- | --- |\n");
		static const char *const after[] = {"GetCallerIdentity", "ListBuckets",       "GetObject",  "GetObject",
						    "GetObject",         "DescribeInstances", "ListSecrets"};
		for (size_t i = 0; i < NELEM(after); i++) {
			ev_begin(g);
			var_set(g, V_BUCKET, ac->bucket[3]);
			plant(g, &d, t + 600 + (int64_t)i * 37, after[i], !strcmp(after[i], "GetObject"), &a, 0);
		}
	}
#undef AT

	snprintf(path, sizeof(path), "%s/ATTACKS.md", outdir);
	f = fopen(path, "w");
	if (!f || fwrite(d.md.p, 1, d.md.len, f) != d.md.len || fclose(f))
		die("cannot write '%s': %s", path, strerror(errno));
	free(d.md.p);
	g->r = &g->content;
}

/* ---- output ------------------------------------------------------------------ */

static void mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) && errno != EEXIST)
			die("cannot create '%s': %s", path, strerror(errno));
		*p = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		die("cannot create '%s': %s", path, strerror(errno));
}

static void write_gz(const char *path, const char *data, size_t len, struct buf *z, uint64_t *ret_gz)
{
	z_stream zs;
	FILE *f;
	int rc;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2 failed");
	z->len = 0;
	buf_reserve(z, deflateBound(&zs, (uLong)len) + 64);
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)z->p;
	zs.avail_out = (uInt)z->cap;
	rc = deflate(&zs, Z_FINISH);
	if (rc != Z_STREAM_END)
		die("deflate failed (%d)", rc);
	z->len = zs.total_out;
	deflateEnd(&zs);
	f = fopen(path, "wb");
	if (!f || fwrite(z->p, 1, z->len, f) != z->len || fclose(f))
		die("cannot write '%s': %s", path, strerror(errno));
	*ret_gz += z->len;
}

static void usage(FILE *f)
{
	fputs("usage: gen-cloudtrail [-n EVENTS] [-s SEED] [--attacks] OUTDIR\n"
	      "\n"
	      "  -n, --events N   events to write (default 100000)\n"
	      "  -s, --seed S     seed (default 1); same seed, same bytes\n"
	      "      --attacks    plant the attacks listed in OUTDIR/ATTACKS.md\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"events", required_argument, NULL, 'n'},
					     {"seed", required_argument, NULL, 's'},
					     {"attacks", no_argument, NULL, 'A'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	static struct gen g;
	uint64_t n = 100000, seed = 1;
	int attacks = 0, c, nacct, nreg;
	const char *outdir;
	struct evlist l = {0};
	struct buf file = {0}, z = {0};
	size_t *order = NULL;
	size_t ocap = 0;
	double t0 = now_sec();
	char path[4096], dir[4096];
	uint64_t files_written = 0;

	while ((c = getopt_long(argc, argv, "n:s:h", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'n':
			errno = 0;
			n = strtoull(optarg, &end, 10);
			if (errno || *end || n == 0)
				die("bad event count '%s'", optarg);
			break;
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 10);
			if (errno || *end)
				die("bad seed '%s'", optarg);
			break;
		case 'A': attacks = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	outdir = argv[optind];

	g.content.s = seed * 0x2545F4914F6CDD1DULL + 1;
	g.plan.s = seed ^ 0xA5A5A5A55A5A5A5AULL;
	g.atk.s = seed + 0x1234567;
	g.r = &g.plan;
	nacct = 2 + (int)rng_below(&g.plan, 2);
	nreg = 4 + (int)rng_below(&g.plan, 3);
	g.r = &g.content;
	world_init(&g, nacct, nreg);
	for (size_t i = 0; i < NKIND; i++) {
		char *o = g.ct[i].cli;
		const char *svc = kinds[i].src;
		size_t sl = (size_t)(strchr(svc, '.') - svc);

		tpl_compile(&g.ct[i].req, kinds[i].req);
		tpl_compile(&g.ct[i].resp, kinds[i].resp);
		tpl_compile(&g.ct[i].aed, kinds[i].aed);
		tpl_compile(&g.ct[i].res, kinds[i].res);
		o += sprintf(o, "command/");
		if (!strncmp(svc, "s3", sl))
			o += sprintf(o, "s3api");
		else if (!strncmp(svc, "monitoring", sl))
			o += sprintf(o, "cloudwatch");
		else if (!strncmp(svc, "elasticloadbalancing", sl))
			o += sprintf(o, "elbv2");
		else if (!strncmp(svc, "config", sl))
			o += sprintf(o, "configservice");
		else
			o += sprintf(o, "%.*s", (int)sl, svc);
		*o++ = '.';
		for (const char *p = kinds[i].name; *p && !(*p >= '0' && *p <= '9'); p++) {
			if (*p >= 'A' && *p <= 'Z') {
				if (p != kinds[i].name)
					*o++ = '-';
				*o++ = (char)(*p - 'A' + 'a');
			} else {
				*o++ = *p;
			}
		}
		*o = 0;
		g.wsum_all += (kinds[i].flags & F_GLOBAL) ? 0 : kinds[i].w;
		g.wsum_use1 += kinds[i].w;
	}

	plan_files(&g, n);
	mkdir_p(strcpy(path, outdir));
	if (attacks)
		plan_attacks(&g, outdir);

	for (int fi = 0; fi < g.nfiles; fi++) {
		struct file_plan *fp = &g.files[fi];
		struct stream *st = &g.streams[fp->stream];
		struct account *ac = &g.acct[st->acct];
		int benign = fp->count - fp->nattack, made = 0;
		int dur = (int)(fp->t1 - fp->t0);
		struct civil cv;
		char name[32];

		if (fp->count == 0)
			continue;
		l.b.len = 0;
		l.n = 0;
		g.ac = ac;
		g.region = st->region;
		while (made < benign) {
			g.t = fp->t0 + rng_below(g.r, (uint32_t)dur);
			made += gen_one(&g, st, &l, benign - made);
		}
		for (int i = 0; i < g.nplanted; i++) {
			if (g.planted[i].file != fi)
				continue;
			evlist_mark(&l);
			buf_mem(&l.b, g.atkbuf.p + g.planted[i].off, g.planted[i].len);
			g.events++;
		}
		l.off[l.n] = l.b.len;

		/* shuffle the order of the records within the file */
		if (ocap < l.n) {
			ocap = l.n * 2;
			order = realloc(order, sizeof(*order) * ocap);
			if (!order)
				die("out of memory");
		}
		for (size_t i = 0; i < l.n; i++)
			order[i] = i;
		for (size_t i = l.n; i > 1; i--) {
			size_t j = rng_below(g.r, (uint32_t)i), tmp = order[i - 1];

			order[i - 1] = order[j];
			order[j] = tmp;
		}
		file.len = 0;
		buf_s(&file, "{\"Records\":[");
		for (size_t i = 0; i < l.n; i++) {
			size_t e = order[i];

			if (i)
				buf_c(&file, ',');
			buf_mem(&file, l.b.p + l.off[e], l.off[e + 1] - l.off[e]);
		}
		buf_s(&file, "]}");
		g.raw += file.len;

		civil_from_time(fp->t1, &cv);
		if (snprintf(dir, sizeof(dir), "%s/AWSLogs/%s/CloudTrail/%s/%04d/%02d/%02d", outdir, ac->id,
			     all_regions[st->region], cv.y, cv.mo, cv.d) >= (int)sizeof(dir) - 128)
			die("output path too long");
		mkdir_p(dir);
		rand_str(&g.plan, name, "", ALNUM, 16);
		if (snprintf(path, sizeof(path), "%s/%s_CloudTrail_%s_%04d%02d%02dT%02d%02dZ_%s.json.gz", dir, ac->id,
			     all_regions[st->region], cv.y, cv.mo, cv.d, cv.h, cv.mi, name) >= (int)sizeof(path))
			die("output path too long");
		write_gz(path, file.p, file.len, &z, &g.gz);
		files_written++;
	}

	{
		double secs = now_sec() - t0;

		fprintf(stderr,
			"gen-cloudtrail: %llu events, %llu files, %llu raw bytes, %llu gz bytes (%.1fx), %.0f bytes/event, "
			"%.1f s\n",
			(unsigned long long)g.events, (unsigned long long)files_written, (unsigned long long)g.raw,
			(unsigned long long)g.gz, g.gz ? (double)g.raw / (double)g.gz : 0.0,
			g.events ? (double)g.raw / (double)g.events : 0.0, secs);
	}
	free(l.b.p);
	free(l.off);
	free(file.p);
	free(z.p);
	free(order);
	return 0;
}
