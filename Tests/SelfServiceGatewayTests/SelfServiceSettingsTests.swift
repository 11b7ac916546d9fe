// SelfServiceSettingsTests: the gateway's clock setting (SELF_SERVICE_NOW) pins "now" or is refused; the cache size.

import Foundation
import SelfServiceGatewayService
import ServiceSupport
import Testing

@Suite struct SelfServiceSettingsTests {
    @Test func selfServiceNowPinsTheGatewaysClock() throws {
        let settings = try SelfServiceSettings(
            environment: ServiceEnvironment(["SELF_SERVICE_NOW": "2026-08-10T12:00:00Z"]))
        #expect(settings.pinnedNow == Date(timeIntervalSince1970: 1_786_363_200))
        #expect(settings.now() == Date(timeIntervalSince1970: 1_786_363_200))
    }

    @Test func withoutSelfServiceNowTheClockIsTheSystemClock() throws {
        let settings = try SelfServiceSettings(environment: ServiceEnvironment([:]))
        #expect(settings.pinnedNow == nil)
        #expect(abs(settings.now().timeIntervalSinceNow) < 60)
    }

    @Test func anInstantThatDoesNotParseIsRefusedWithTheOtherProblems() {
        #expect {
            _ = try SelfServiceSettings(
                environment: ServiceEnvironment(["SELF_SERVICE_NOW": "tomorrow", "SELF_SERVICE_COOKIE_SECURE": "maybe"])
            )
        } throws: { error in
            let description = "\(error)"
            return description.contains("SELF_SERVICE_NOW") && description.contains("SELF_SERVICE_COOKIE_SECURE")
        }
    }

    @Test func theUpdatesCacheSizeIsReadAndZeroTurnsItOff() throws {
        #expect(try SelfServiceSettings(environment: ServiceEnvironment([:])).cacheMaximumMacs == 200_000)
        let off = try SelfServiceSettings(environment: ServiceEnvironment(["SELF_SERVICE_CACHE_MAX_MACS": "0"]))
        #expect(off.cacheMaximumMacs == 0)
        #expect {
            _ = try SelfServiceSettings(environment: ServiceEnvironment(["SELF_SERVICE_CACHE_MAX_MACS": "-1"]))
        } throws: { error in "\(error)".contains("SELF_SERVICE_CACHE_MAX_MACS") }
    }
}
