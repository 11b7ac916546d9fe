// StatusReportFixtures: status reports of our own with the shapes and values of the public examples
// (ddm.md §5) and of a full software update, as JSON text.

/// Status report bodies used by the tests.
enum StatusReportFixtures {
    /// Shaped like KMFDDM's iPhone dump (iOS 16.0 beta, build 20A5303i): declarations with
    /// `Error.ConfigurationCannotBeApplied`, client capabilities, model and OS items.
    static let iPhoneBeta = #"""
        {
          "StatusItems": {
            "device": {
              "identifier": {"serial-number": "F2LZK0Q8N6Y1", "udid": "0B7E5C2A-91D4-4E1B-A2F6-3C8D9E0F1A2B"},
              "model": {"family": "iPhone", "identifier": "iPhone13,2", "marketing-name": "iPhone 12"},
              "operating-system": {"build-version": "20A5303i", "family": "iOS", "marketing-name": "iOS 16.0",
                                   "version": "16.0"}
            },
            "management": {
              "client-capabilities": {
                "supported-features": {},
                "supported-payloads": {
                  "declarations": {
                    "activations": ["com.apple.activation.simple"],
                    "assets": ["com.apple.asset.credential.acme", "com.apple.asset.data"],
                    "configurations": ["com.apple.configuration.legacy", "com.apple.configuration.passcode.settings"],
                    "management": ["com.apple.management.organization-info", "com.apple.management.properties"]
                  },
                  "status-items": ["device.identifier.serial-number", "device.model.family",
                                   "device.operating-system.version", "management.declarations"]
                },
                "supported-versions": ["1.0.0"]
              },
              "declarations": {
                "activations": [
                  {"active": true, "identifier": "ex.activation.base", "server-token": "a1f0c3", "valid": "valid"}
                ],
                "assets": [],
                "configurations": [
                  {"active": false, "identifier": "ex.config.passcode", "server-token": "9d2e77", "valid": "valid",
                   "reasons": [{"code": "Error.ConfigurationCannotBeApplied",
                                "description": "Configuration (ex.config.passcode:9d2e77) cannot be applied",
                                "details": {"Identifier": "ex.config.passcode", "ServerToken": "9d2e77"}}]},
                  {"active": true, "identifier": "ex.config.legacy", "server-token": "40b1aa", "valid": "valid"}
                ],
                "management": [
                  {"active": true, "identifier": "ex.management.org", "server-token": "77c0de", "valid": "valid"}
                ]
              }
            }
          },
          "Errors": [],
          "FullReport": true
        }
        """#

    /// Shaped like KMFDDM's first macOS report: 13.3.1 (a), build 22E261, serial and UDID, capabilities.
    static let macOSFirst = #"""
        {
          "StatusItems": {
            "device": {
              "identifier": {"serial-number": "C02ZT1ABMD6R", "udid": "5D3A9F10-2B7C-5E4D-8A61-0C9B1E2F3D4A"},
              "model": {"family": "Mac", "identifier": "MacBookPro18,3", "marketing-name": "MacBook Pro (14-inch, 2021)"},
              "operating-system": {
                "build-version": "22E261", "family": "macOS", "marketing-name": "macOS Ventura",
                "supplemental": {"build-version": "22E772610a", "extra-version": "(a)"},
                "version": "13.3.1"
              }
            },
            "management": {
              "client-capabilities": {
                "supported-features": {},
                "supported-payloads": {
                  "declarations": {
                    "activations": ["com.apple.activation.simple"],
                    "assets": ["com.apple.asset.credential.userpassword"],
                    "configurations": ["com.apple.configuration.management.status-subscriptions"],
                    "management": ["com.apple.management.server-capabilities"]
                  },
                  "status-items": ["device.operating-system.supplemental.extra-version"]
                },
                "supported-versions": ["1.0.0"]
              },
              "declarations": {"activations": [], "assets": [], "configurations": [], "management": []}
            }
          },
          "Errors": [],
          "FullReport": true
        }
        """#

    /// Shaped like KMFDDM's `status.D0.error.json`: a configuration no activation references.
    static let notReferenced = #"""
        {
          "StatusItems": {
            "management": {
              "declarations": {
                "activations": [],
                "assets": [],
                "configurations": [
                  {"active": false, "identifier": "ex.config.d0", "server-token": "d0-1", "valid": "valid",
                   "reasons": [{"code": "Info.NotReferencedByActivation",
                                "description": "Configuration (ex.config.d0:d0-1) is not referenced by an activation.",
                                "details": {"Identifier": "ex.config.d0", "ServerToken": "d0-1"}}]}
                ],
                "management": []
              }
            }
          },
          "Errors": []
        }
        """#

    /// An incremental report with only the install state (`waiting` is outside Apple's rangelist).
    static func installState(_ state: String) -> String {
        #"{"StatusItems":{"softwareupdate":{"install-state":"\#(state)"}},"Errors":[]}"#
    }

    /// An incremental report with the install state and the pending version, enforced at a local date-time.
    static func pending(_ state: String, version: String, build: String) -> String {
        #"""
        {"StatusItems":{"softwareupdate":{"install-state":"\#(state)",
          "pending-version":{"os-version":"\#(version)","build-version":"\#(build)",
                             "target-local-date-time":"2026-12-01T20:00:00"},
          "install-reason":{"reason":["declaration"],"declaration-id":"ex.enforcement.15"},
          "failure-reason":{"count":0}}},"Errors":[]}
        """#
    }

    /// The update finished: new OS version, nothing pending.
    static func installed(version: String, build: String) -> String {
        #"""
        {"StatusItems":{"device":{"operating-system":{"version":"\#(version)","build-version":"\#(build)"}},
          "softwareupdate":{"install-state":"none","pending-version":{"os-version":"","build-version":""},
                            "install-reason":{"reason":[]},"failure-reason":{"count":0}}},"Errors":[]}
        """#
    }

    /// A failed update with a reason.
    static let failed = #"""
        {"StatusItems":{"softwareupdate":{"install-state":"failed",
          "failure-reason":{"count":2,"reason":"Not enough free disk space","timestamp":"2026-11-28T23:10:00Z"}}},
         "Errors":[]}
        """#

    /// A full macOS report with the given version and build (a realistic mid-size body).
    static func full(version: String, build: String, state: String = "none", token: String = "t1") -> String {
        #"""
        {"StatusItems":{"device":{"model":{"family":"Mac","identifier":"Mac14,2"},
          "operating-system":{"version":"\#(version)","build-version":"\#(build)","family":"macOS"}},
          "softwareupdate":{"install-state":"\#(state)","pending-version":{"os-version":"","build-version":""},
                            "failure-reason":{"count":0},"install-reason":{"reason":[]},"beta-enrollment":"",
                            "device-id":"J413AP"},
          "management":{"declarations":{"activations":[{"active":true,"identifier":"ex.act","server-token":"\#(token)","valid":"valid"}],
                                        "assets":[],"configurations":[],"management":[]}}},
         "Errors":[],"FullReport":true}
        """#
    }
}
