#!/bin/sh
aws s3 sync s3://trail-bucket/AWSLogs ./AWSLogs
