// SHA256HexTests: the shared digest helpers against the published SHA-256 test vectors (FIPS 180-2).

import Digests
import Foundation
import Testing

@Suite struct SHA256HexTests {
    @Test func publishedVectors() {
        #expect(SHA256Hex.digest(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Hex.digest(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256Hex.digest(of: Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256Hex.hex([0x00, 0x0f, 0xf0, 0xff]) == "000ff0ff")
    }

    @Test func keysCarryTheDigestAndCompareByIt() {
        let abc = SHA256Key(of: "abc")
        #expect(abc.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Key(of: "").hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(abc == SHA256Key(of: String("abcd".dropLast())))
        #expect(abc != SHA256Key(of: "abd"))
        #expect(Set([abc, SHA256Key(of: "abc"), SHA256Key(of: "abd")]).count == 2)
    }
}
