package main

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// ordersPerBatch fills one export batch of the SDK's default size (512 spans) as far as whole orders go.
const ordersPerBatch = 512 / spansPerOrder

const spansPerOrder = 9

// orderBatch is one export of order-api's spans, the shape tools/bench/src/export-load.ts sends to the whole
// collector: per order a SERVER root, six nested children, the gRPC CLIENT span and order.persist, with the
// attributes the services set and no personal data, so the rules look at every value and change none.
func orderBatch() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	putStrings(rs.Resource().Attributes(),
		"service.name", "order-api", "service.version", "0.1.0",
		"telemetry.sdk.language", "nodejs", "telemetry.sdk.name", "opentelemetry", "telemetry.sdk.version", "3.1.0")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	for range ordersPerBatch {
		root := spans.AppendEmpty()
		root.SetName("POST /orders")
		root.SetKind(ptrace.SpanKindServer)
		a := root.Attributes()
		putStrings(a, "http.request.method", "POST", "url.path", "/orders", "url.scheme", "http", "http.route", "/orders",
			"server.address", "127.0.0.1", "network.protocol.version", "1.1", "client.address", "127.0.0.1",
			"user_agent.original", "autocannon", "tenant.id", "tenant_a")
		a.PutInt("server.port", 8080)
		a.PutInt("http.response.status_code", 201)
		for _, name := range []string{"request", "handler - ordersRoutes", "order.place", "order.validate", "order.price", "order.charge", "order.persist"} {
			child := spans.AppendEmpty()
			child.SetName(name)
			putStrings(child.Attributes(), "tenant.id", "tenant_a", "order.id", "ord_6f1d8c1e-8f1b-4d5b-9a55-6d3c0c3f1c2a",
				"order.currency", "USD", "customer.id", "c-42")
			child.Attributes().PutInt("order.item_count", 1)
		}
		client := spans.AppendEmpty()
		client.SetName("grpc.payment.v1.PaymentService/Charge")
		client.SetKind(ptrace.SpanKindClient)
		putStrings(client.Attributes(), "rpc.system", "grpc", "tenant.id", "tenant_a")
		client.Attributes().PutInt("rpc.grpc.status_code", 0)
	}
	return td
}

// piiBatch puts fake card numbers and e-mail addresses (test values only) everywhere the rules look: the named
// keys (the card number also as an int), any other attribute, adjacent cards (the second card pass), span names,
// status messages, span events and the resource.
func piiBatch() ptrace.Traces {
	texts := []string{
		"4242424242424242", "card 4242 4242 4242 4242 declined", "4242-4242-4242-4242,5555555555554444",
		"4242_4242_4242_4242_5555_5555_5555_4444", "/orders/4242/4242/4242/4242", "c=4242%2e4242%2e4242%2e4242",
		"4111111111114242%20555555555", "user ada@example.com not found", "email=ada%40example.com&x=1",
		"ts 1733215200000 and 1733215200000000", "ord_6f1d8c1e-8f1b-4d5b-9a55-6d3c0c3f1c2a", "378282246310005",
	}
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	putStrings(rs.Resource().Attributes(), "service.name", "order-api", "host.note", texts[1], "host.owner", texts[7],
		"user.email", "Ada@Example.com")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	for i, text := range texts {
		s := spans.AppendEmpty()
		s.SetName(text)
		s.Status().SetCode(ptrace.StatusCodeError)
		s.Status().SetMessage(texts[(i+1)%len(texts)])
		a := s.Attributes()
		a.PutStr("message", text)
		// The named keys on some spans only: a span without them has nothing masked before the catch-all passes.
		if i%2 == 0 {
			a.PutStr("payment.card.number", texts[(i+2)%len(texts)])
		}
		if i%3 == 0 {
			a.PutStr("user.email", "Ada@Example.com")
		}
		e := s.Events().AppendEmpty()
		e.SetName("exception")
		putStrings(e.Attributes(), "exception.message", texts[(i+3)%len(texts)], "user.email", "ada@example.com")
		e.Attributes().PutInt("payment.card.number", 4242424242424242)
	}
	spans.AppendEmpty().Attributes().PutInt("payment.card.number", 5555555555554444)
	return td
}

func putStrings(m pcommon.Map, keyValues ...string) {
	for i := 0; i+1 < len(keyValues); i += 2 {
		m.PutStr(keyValues[i], keyValues[i+1])
	}
}
