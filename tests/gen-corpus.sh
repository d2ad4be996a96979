#!/usr/bin/env bash
# gen-corpus.sh OUTDIR FILES EVENTS_PER_FILE [SEED] - writes a synthetic
# CloudTrail corpus of gzip S3 delivery files for the crash, concurrency
# and memory tests (bench/ has the realistic generator).
set -eu
out=$1 files=$2 per=$3 seed=${4:-1}
mkdir -p "$out"
for ((f = 0; f < files; f++)); do
	awk -v f="$f" -v per="$per" -v seed="$seed" 'BEGIN {
		srand(seed * 100003 + f);
		names[0]="DescribeInstances"; names[1]="GetObject"; names[2]="ListUsers"; names[3]="AssumeRole"; names[4]="Decrypt";
		srcs[0]="ec2"; srcs[1]="s3"; srcs[2]="iam"; srcs[3]="sts"; srcs[4]="kms";
		printf "{\"Records\":[";
		for (i = 0; i < per; i++) {
			k = int(rand() * 5); n = f * per + i;
			printf "%s{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDA%016d\",\"arn\":\"arn:aws:iam::111122223333:user/u%d\",\"accountId\":\"111122223333\",\"accessKeyId\":\"AKIA%016d\",\"userName\":\"u%d\"},", (i ? "," : ""), n % 97, n % 97, n % 97, n % 97;
			printf "\"eventTime\":\"2024-03-%02dT%02d:%02d:%02dZ\",\"eventSource\":\"%s.amazonaws.com\",\"eventName\":\"%s\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.%d\",", 1 + int(f / 24) % 28, f % 24, int(i * 60 / per), int(rand() * 60), srcs[k], names[k], n % 250;
			printf "\"userAgent\":\"aws-cli/2.15.%d Python/3.11.8 Linux/6.5.0\",\"requestParameters\":{\"resource\":\"r-%08x-%d\",\"pad\":\"%0" (200 + int(rand() * 400)) "d\"},\"responseElements\":null,", n % 40, int(rand() * 2147483647), n, 0;
			printf "\"requestID\":\"%08X-%04d\",\"eventID\":\"%08x-%04x-4%03x-8%03x-%012d\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"111122223333\",\"eventCategory\":\"Management\"}", int(rand() * 2147483647), i, seed, f, i % 4096, k, n;
		}
		printf "]}";
	}' | gzip -1 >"$out/$(printf '111122223333_CloudTrail_us-east-1_20240301T%04dZ_%06d.json.gz' "$f" "$f")"
done
