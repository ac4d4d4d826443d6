"""Reach one simulated account of the emulator the way a caller inside that account would."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3

from emulation.harness.checkpoints import StreamCheckpoints
from emulation.harness.clock import SimulatedClock, clock_for
from emulation.harness.dynamodb_stream_source import DynamoDbStreamPlayer
from emulation.harness.lambda_runtime import ExecutionEnvironment, FunctionPool
from emulation.harness.pipe_source import PipeSourcePlayer
from emulation.harness.sqs_source import SqsEventSourcePlayer


@dataclass
class SimulatedAccount:
    endpoint_url: str
    account_id: str
    region: str
    role_name: str = "switchyard-deploy"
    _session: boto3.Session | None = field(default=None, repr=False)

    @property
    def session(self) -> boto3.Session:
        """A session whose credentials belong to this account (moto maps assumed-role keys to it)."""
        if self._session is None:
            base = boto3.Session(
                aws_access_key_id="test",
                aws_secret_access_key="test",  # noqa: S106 - the emulator's dummy credentials
                region_name=self.region,
            )
            credentials = base.client("sts", endpoint_url=self.endpoint_url).assume_role(
                RoleArn=f"arn:aws:iam::{self.account_id}:role/{self.role_name}", RoleSessionName="switchyard-harness"
            )["Credentials"]
            self._session = boto3.Session(
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
                region_name=self.region,
            )
        return self._session

    def client(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.endpoint_url)  # type: ignore[call-overload]

    def caller_account(self) -> str:
        return str(self.client("sts").get_caller_identity()["Account"])

    @property
    def clock(self) -> SimulatedClock:
        """The emulator's simulated clock (one per emulator, shared by its accounts)."""
        return clock_for(self.endpoint_url)

    def execution_environment(self, function_name: str) -> ExecutionEnvironment:
        return ExecutionEnvironment(
            function_name, session=self.session, endpoint_url=self.endpoint_url, clock=self.clock.time
        )

    def sqs_players(self, function_name: str) -> list[SqsEventSourcePlayer[FunctionPool]]:
        """The pollers of each deployed SQS mapping of the function, sharing one pool of
        execution environments (as many as the mappings' maximum concurrency)."""
        # moto 5.2.5 ignores the FunctionName filter when given a name, so filter here.
        mappings = self.client("lambda").list_event_source_mappings()["EventSourceMappings"]
        sqs_mappings = [
            m
            for m in mappings
            if m["FunctionArn"].endswith(f":function:{function_name}")
            and m["EventSourceArn"].startswith("arn:aws:sqs:")
        ]
        if not sqs_mappings:
            raise LookupError(f"{function_name} has no SQS event source mapping in account {self.account_id}")
        pool = FunctionPool(function_name, session=self.session, endpoint_url=self.endpoint_url, clock=self.clock.time)
        # Lambda's pollers receive and delete with the function's execution role.
        poller = pool.role_client("sqs")
        return [
            SqsEventSourcePlayer(pool, mapping, self.client("sqs"), self.clock, poller_client=poller)
            for mapping in sqs_mappings
        ]

    def dynamodb_stream_players(self, function_name: str) -> list[DynamoDbStreamPlayer[FunctionPool]]:
        """A poller for each deployed DynamoDB stream mapping of the function (one shard each)."""
        mappings = self.client("lambda").list_event_source_mappings()["EventSourceMappings"]
        stream_mappings = [
            m
            for m in mappings
            if m["FunctionArn"].endswith(f":function:{function_name}") and ":dynamodb:" in m["EventSourceArn"]
        ]
        if not stream_mappings:
            raise LookupError(f"{function_name} has no DynamoDB stream mapping in account {self.account_id}")
        pool = FunctionPool(function_name, session=self.session, endpoint_url=self.endpoint_url, clock=self.clock.time)
        checkpoints = StreamCheckpoints(self.account_id, self.region, self.endpoint_url)
        return [
            DynamoDbStreamPlayer(pool, m, self.client("dynamodbstreams"), self.client("sqs"), self.clock, checkpoints)
            for m in stream_mappings
        ]

    def pipe_player(self, pipe_name: str) -> PipeSourcePlayer:
        """The deployed pipe (DescribePipe), played with its own role's credentials."""
        pipe = self.client("pipes").describe_pipe(Name=pipe_name)
        return PipeSourcePlayer(pipe, self.session, endpoint_url=self.endpoint_url, clock=self.clock)
