# Alarms per rule: deliveries that failed for good (after retries), events that could not even
# reach the DLQ, and throttling. Each DLQ brings its own alarms (modules/sqs-queue): a message
# waiting in it longer than a minute means a partner lost an event until someone replays it.

locals {
  rule_alarms = {
    for pair in setproduct(keys(var.destinations), keys(local.rule_metrics)) : "${pair[0]}-${pair[1]}" => {
      destination = pair[0]
      metric      = local.rule_metrics[pair[1]].metric
      description = local.rule_metrics[pair[1]].description
    }
  }
  rule_metrics = {
    failed = {
      metric      = "FailedInvocations"
      description = "gave up on events after its retry policy (they are in the target DLQ): check the partner's status and the DLQ's messages (ERROR_CODE attribute), then replay"
    }
    dlq-failed = {
      metric      = "InvocationsFailedToBeSentToDlq"
      description = "could not send failed events to its DLQ (events are lost): check the DLQ's policy and key"
    }
    throttled = {
      metric      = "ThrottledRules"
      description = "was throttled: events wait and may age out; raise the EventBridge invocation quota or lower the traffic"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "rule" {
  for_each = local.rule_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = "Rule ${aws_cloudwatch_event_rule.this[each.value.destination].name} ${each.value.description}."
  namespace           = "AWS/Events"
  metric_name         = each.value.metric
  dimensions          = { EventBusName = local.bus_name, RuleName = aws_cloudwatch_event_rule.this[each.value.destination].name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
