// MDMWebhookRoutes: `POST /webhook`, where the MDM server (NanoMDM `-webhook-url`) posts command results.

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceSupport

/// `POST /webhook` (also `POST /v1/webhook`): NanoMDM's webhook events. Command results (`mdm.Connect`) are
/// recorded by `CommandResultRecorder`; every other well-formed event (check-ins, `Idle`, results of commands
/// this product did not send) is answered `200` and changes nothing, so the MDM server never retries it.
///
/// Refusals (JSON, nothing written): `401 invalid_signature` when `WEBHOOK_HMAC_KEY` is set and
/// `X-Hmac-Signature` is missing or wrong; `400 invalid_event` when the body is not a well-formed event.
/// Answer: `200 {"status":"recorded"|"unchanged"|"ignored","reason"?}`.
public struct MDMWebhookRoutes: Sendable {
    let recorder: CommandResultRecorder
    let verifier: DDMSignatureVerifier?

    /// Creates the route; with a verifier every event must be signed.
    public init(recorder: CommandResultRecorder, verifier: DDMSignatureVerifier?) {
        self.recorder = recorder
        self.verifier = verifier
    }

    /// Adds the route at the root and under `v1/`.
    public func add(to router: Router<ServiceRequestContext>) {
        for prefix in ["", "v1/"] {
            router.post("\(prefix)webhook") { request, context in
                try await self.receive(request, context: context)
            }
        }
    }

    func receive(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let bytes = Data(body.readableBytesView)
        if let verifier, !verifier.isValid(signature: request.headers[DDMRoutes.signatureHeader], body: Array(bytes)) {
            throw APIError(
                status: .unauthorized, code: "invalid_signature",
                message: "The X-Hmac-Signature header is missing or does not match the body.")
        }
        let event: MDMWebhookEvent
        do {
            event = try MDMWebhookEvent.decode(bytes)
        } catch {
            throw APIError(
                status: .badRequest, code: "invalid_event",
                message: "The body is not a well-formed webhook event (JSON object with a topic; an "
                    + "acknowledge_event needs a known status and base64 raw_payload).")
        }
        var outcome = CommandResultRecorder.Outcome(status: "ignored", reason: "not_a_command_result")
        if let acknowledgement = event.acknowledgement {
            outcome = try await recorder.record(acknowledgement)
            context.logger.info(
                "command result",
                metadata: [
                    "mdm.command_uuid": .string(acknowledgement.commandUUID ?? ""),
                    "mdm.status": .string(acknowledgement.status), "webhook.outcome": .string(outcome.status),
                ])
        }
        var buffer = ByteBuffer()
        buffer.writeBytes(try JSONEncoder().encode(outcome))
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: buffer))
    }
}
