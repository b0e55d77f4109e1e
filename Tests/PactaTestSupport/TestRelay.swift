import Foundation

/// The SMTP relay `scripts/test.sh` starts on loopback (aiosmtpd, STARTTLS on a throwaway
/// certificate), and the Maildir where it keeps what it receives.
public enum TestRelay {
    /// `smtp://127.0.0.1:port?verify=false`; nil outside the test script (CI refuses to run without it).
    public static var url: String? {
        if let url = ProcessInfo.processInfo.environment["PACTA_TEST_SMTP_URL"] { return url }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            fatalError("CI runs need the SMTP relay: run the tests through scripts/test.sh")
        }
        return nil
    }

    /// The messages received so far addressed to `recipient` (each as its raw text).
    public static func messages(to recipient: String) throws -> [String] {
        guard let maildir = ProcessInfo.processInfo.environment["PACTA_TEST_SMTP_MAILDIR"] else { return [] }
        let new = URL(fileURLWithPath: maildir).appendingPathComponent("new")
        let files = (try? FileManager.default.contentsOfDirectory(at: new, includingPropertiesForKeys: nil)) ?? []
        return try files.map { try String(contentsOf: $0, encoding: .utf8) }.filter { message in
            message.split(separator: "\n").contains {
                $0.hasPrefix("To: ") && $0.dropFirst(4).trimmingCharacters(in: .whitespacesAndNewlines) == recipient
            }
        }
    }
}
