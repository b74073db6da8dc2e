@testable import LLMRouterCore
import Logging
import Testing

struct SecretRedactorTests {
    static let key = "sk-SECRET0123456789abcdefXYZ"
    let redactor = SecretRedactor(secrets: [key, "my/key+with=odd-chars-42"])

    @Test(arguments: [
        // plain
        #"{"error":"invalid key sk-SECRET0123456789abcdefXYZ"}"#,
        // JSON \u escapes for one character, for all of them, mixed case hex
        #"{"error":"invalid key sk\u002dSECRET0123456789abcdefXYZ"}"#,
        #"{"error":"\u0073\u006B\u002D\u0053\u0045\u0043\u0052\u0045\u0054\u0030\u0031\u0032\u0033\u0034\u0035\u0036\u0037\u0038\u0039\u0061\u0062\u0063\u0064\u0065\u0066\u0058\u0059\u005a"}"#,
        // escaped twice: JSON quoted inside a JSON string
        #"{"error":"{\"detail\":\"sk\\u002dSECRET0123456789abcdefXYZ\"}"}"#,
        // percent-encoded, as in a URL an upstream echoes
        "GET /v1/models?key=sk%2DSECRET0123456789abcdefXYZ",
    ])
    func escapedFormsOfAKeyAreMasked(_ text: String) {
        let masked = redactor.redact(text)
        #expect(!masked.contains("SECRET0123456789"), "\(masked)")
        #expect(!masked.contains("0123456789abcdef"), "\(masked)")
        #expect(masked.contains(SecretRedactor.mask))
    }

    @Test func theTextAroundAnEscapedKeyIsKept() {
        #expect(redactor.redact(#"{"error":"bad key sk\u002dSECRET0123456789abcdefXYZ, try again"}"#) == #"{"error":"bad key [redacted], try again"}"#)
        #expect(redactor.redact(#"key: my\/key+with=odd-chars-42!"#) == "key: [redacted]!")
    }

    @Test func aKeySplitInTwoOrQuotedInPartIsMasked() {
        let halves = redactor.redact(#"first half "sk-SECRET0123456" + second half "789abcdefXYZ" end"#)
        #expect(!halves.contains("SECRET0123456"))
        #expect(!halves.contains("789abcdefXYZ"))
        #expect(halves.hasSuffix(" end"))
        let part = redactor.redact("Incorrect API key provided: ****0123456789abcdefXYZ")
        #expect(!part.contains("0123456789abcdef"))
        let acrossLines = redactor.redact("key=sk-SECRET01234\n56789abcdefXYZ")
        #expect(!acrossLines.contains("SECRET01234"))
        #expect(!acrossLines.contains("56789abcdefXYZ"))
    }

    @Test func providerKeyShapesAndBearerTokensAreMaskedWithoutBeingRegistered() {
        let bare = SecretRedactor()
        let text = bare.redact(#"Authorization: Bearer abc.def gsk_0123456789abcdef nvapi-ABCDEFGHIJKLMN hf_abcdefghijkl llmr-0123456789abcdef and sk\u002dor\u002dv1\u002d0123456789abcdef"#)
        for secret in ["abc.def", "gsk_0123456789abcdef", "nvapi-ABCDEFGHIJKLMN", "hf_abcdefghijkl", "llmr-0123456789abcdef", "0123456789abcdef"] {
            #expect(!text.contains(secret), "\(secret) in \(text)")
        }
        #expect(text.hasPrefix("Authorization: Bearer [redacted] "))
    }

    @Test(arguments: [
        "ordinary text with 100% of nothing secret \\n and a backslash \\",
        "task-0123456789 and disk-usage-monitoring stay readable",
        "a path C:\\Users\\me and %zz and %41BC",
        "unicode: caf\u{e9} \\u00e9t\\u00e9 \\ud83d\\ude00",
        "",
    ])
    func ordinaryTextIsUntouched(_ text: String) {
        #expect(redactor.redact(text) == text)
    }

    @Test func shortSecretsAreIgnoredAndAddingKeepsTheOldOnes() {
        let grown = SecretRedactor(secrets: ["short", "first-secret-value"]).adding(["second-secret-value"])
        #expect(grown.secretCount == 2)
        #expect(grown.redact("short first-secret-value second-secret-value") == "short [redacted] [redacted]")
    }
}

struct LogRedactionTests {
    @Test func everyLevelAndEveryPartOfALineIsRedacted() {
        let lines = StandardErrorLogHandlerTests.Lines()
        let shared = SharedSecretRedactor()
        var logger = Logger(label: "llmrouter") { label in
            StandardErrorLogHandler(label: label, logLevel: .trace, metadataProvider: nil, redactor: shared, output: lines.append)
        }
        logger.trace("before the keys are known: gsk_0123456789abcdef")
        shared.replace(with: SecretRedactor(secrets: ["provider-secret-0123456789"]))
        logger[metadataKey: "attached"] = "provider-secret-0123456789"
        for level in Logger.Level.allCases {
            logger.log(level: level, "upstream said provider\\u002dsecret\\u002d0123456789", metadata: ["ahc-request-head": #"["authorization": "Bearer provider-secret-0123456789"]"#])
        }
        #expect(lines.all.count == 1 + Logger.Level.allCases.count)
        #expect(!lines.all[0].contains("gsk_0123456789abcdef"))
        for line in lines.all.dropFirst() {
            #expect(!line.contains("secret-0123456789"), "\(line)")
            #expect(!line.contains("secret\\u002d0123456789"), "\(line)")
            #expect(line.contains("[redacted]"))
        }
    }
}
