import Foundation
import PactaCore
import PactaStore

extension DemoOrganisation {
    /// A touchpoint of the demo and how its customers feel: `quality` 0…1 moves the odds of
    /// promoters up and of detractors down; `perDay` answers on an average day.
    struct DemoTouchpoint {
        var touchpoint: Touchpoint
        var quality: Double
        var perDay: Double
    }

    static let npsTouchpoints: [DemoTouchpoint] = {
        var touchpoints: [DemoTouchpoint] = []
        let agencies = [
            ("AG-UIO-01", "Agencia Matriz Quito", "Sierra", 0.72), ("AG-UIO-02", "Agencia El Condado", "Sierra", 0.55),
            ("AG-UIO-03", "Agencia Quicentro", "Sierra", 0.66), ("AG-UIO-04", "Agencia Cumbayá", "Sierra", 0.80),
            ("AG-GYE-01", "Agencia Guayaquil Centro", "Costa", 0.48), ("AG-GYE-02", "Agencia Urdesa", "Costa", 0.62),
            ("AG-GYE-03", "Agencia Mall del Sol", "Costa", 0.58), ("AG-CUE-01", "Agencia Cuenca", "Austro", 0.75),
            ("AG-AMB-01", "Agencia Ambato", "Sierra", 0.64), ("AG-MAN-01", "Agencia Manta", "Costa", 0.52),
            ("AG-LOJ-01", "Agencia Loja", "Austro", 0.70), ("AG-IBA-01", "Agencia Ibarra", "Sierra", 0.60),
        ]
        for (code, name, region, quality) in agencies {
            touchpoints.append(
                DemoTouchpoint(touchpoint: Touchpoint(code: code, channel: "branch", name: name, region: region), quality: quality, perDay: 9)
            )
        }
        let atms = [
            ("ATM-UIO-01", "Cajero Matriz Quito", "Sierra", 0.55), ("ATM-UIO-02", "Cajero Aeropuerto Quito", "Sierra", 0.40),
            ("ATM-UIO-03", "Cajero CCI", "Sierra", 0.58), ("ATM-GYE-01", "Cajero Malecón", "Costa", 0.45),
            ("ATM-GYE-02", "Cajero San Marino", "Costa", 0.50), ("ATM-CUE-01", "Cajero Cuenca Centro", "Austro", 0.62),
            ("ATM-MAN-01", "Cajero Manta", "Costa", 0.35), ("ATM-LOJ-01", "Cajero Loja", "Austro", 0.60),
        ]
        for (code, name, region, quality) in atms {
            touchpoints.append(
                DemoTouchpoint(touchpoint: Touchpoint(code: code, channel: "atm", name: name, region: region), quality: quality, perDay: 5)
            )
        }
        for (code, name, quality) in [
            ("CC-VOZ", "Contact center · voz", 0.50), ("CC-CHAT", "Contact center · chat", 0.58), ("CC-RECL", "Contact center · reclamos", 0.30),
        ] {
            touchpoints.append(
                DemoTouchpoint(touchpoint: Touchpoint(code: code, channel: "contact_center", name: name), quality: quality, perDay: 14)
            )
        }
        for (code, name, quality) in [("APP", "App móvil", 0.68), ("WEB", "Banca web", 0.60), ("WHATSAPP", "Asistente de WhatsApp", 0.52)] {
            touchpoints.append(DemoTouchpoint(touchpoint: Touchpoint(code: code, channel: "digital", name: name), quality: quality, perDay: 22))
        }
        let correspondents = [
            ("CNB-001", "Tienda Don Lucho", "Sierra", 0.66), ("CNB-002", "Farmacia San José", "Costa", 0.56),
            ("CNB-003", "Bazar La Esquina", "Sierra", 0.62), ("CNB-004", "Ferretería El Clavo", "Austro", 0.70),
            ("CNB-005", "Minimarket Sol", "Costa", 0.45), ("CNB-006", "Papelería Central", "Sierra", 0.58),
        ]
        for (code, name, region, quality) in correspondents {
            // Correspondents see few answers: some months fall below the minimum.
            touchpoints.append(
                DemoTouchpoint(
                    touchpoint: Touchpoint(code: code, channel: "correspondent", name: name, region: region),
                    quality: quality,
                    perDay: 1.2
                )
            )
        }
        return touchpoints
    }()

    /// The transactions customers rate, and which channels offer them.
    static let npsTransactions: [(TransactionType, channels: Set<String>)] = [
        (TransactionType(code: "deposito", name: "Depósito"), ["branch", "correspondent", "atm"]),
        (TransactionType(code: "retiro", name: "Retiro de efectivo"), ["branch", "atm", "correspondent"]),
        (TransactionType(code: "transferencia", name: "Transferencia"), ["digital", "branch"]),
        (TransactionType(code: "pago-servicios", name: "Pago de servicios"), ["digital", "correspondent", "branch"]),
        (TransactionType(code: "credito", name: "Solicitud de crédito"), ["branch", "digital", "contact_center"]),
        (TransactionType(code: "tarjeta", name: "Bloqueo o reposición de tarjeta"), ["contact_center", "digital", "branch"]),
        (TransactionType(code: "reclamo", name: "Reclamo"), ["contact_center", "branch"]),
        (TransactionType(code: "apertura", name: "Apertura de cuenta"), ["branch", "digital"]),
    ]

    /// What customers say, by channel: an ATM's detractor complains of the ATM, not of a queue.
    static let npsComments: [String: [NPSKind: [String]]] = [
        "branch": [
            .detractor: [
                "Esperé más de 40 minutos para ser atendido.", "Me pidieron los mismos documentos tres veces.",
                "Solo había una ventanilla abierta.", "Cobro indebido que nadie explica.",
            ],
            .passive: ["Bien, aunque la fila era larga.", "Me atendieron, sin más."],
            .promoter: ["Muy amables en la agencia.", "La asesora me explicó todo con paciencia.", "Excelente atención, muy rápida."],
        ],
        "atm": [
            .detractor: ["El cajero no tenía efectivo.", "El cajero retuvo mi tarjeta.", "Cobro indebido que nadie explica."],
            .passive: ["Funciona, pero el cajero es lento.", "Bien, aunque había fila."],
            .promoter: ["Rápido y sin complicaciones.", "El cajero siempre tiene efectivo."],
        ],
        "contact_center": [
            .detractor: [
                "La línea se cortó dos veces.", "Nadie resolvió mi reclamo, me pasaron de un área a otra.",
                "Esperé más de 20 minutos en la línea.",
            ],
            .passive: ["Me atendieron, sin más.", "Correcto, pero tuve que llamar dos veces."],
            .promoter: ["Resolvieron mi problema en la primera llamada.", "La asesora me explicó todo con paciencia."],
        ],
        "digital": [
            .detractor: [
                "La aplicación se cerró a mitad de la transferencia.", "No pude ingresar con mi clave.", "Cobro indebido que nadie explica.",
            ],
            .passive: ["Correcto, pero el sistema estaba lento.", "Funciona, podría ser más simple."],
            .promoter: ["La app es muy fácil de usar.", "Excelente, lo hice todo desde el teléfono."],
        ],
        "correspondent": [
            .detractor: ["El local no tenía sistema.", "Me cobraron una comisión que no esperaba.", "No me dieron comprobante."],
            .passive: ["Bien, aunque tardaron.", "Me atendieron, sin más."],
            .promoter: ["Muy práctico, cerca de mi casa.", "Rápido y amable."],
        ],
    ]

    /// A year of customers' answers across the five channels, up to `instant`: each touchpoint at
    /// its own level, a dip in the contact center in the middle of the year (a new phone system),
    /// and Agencia Guayaquil Centro falling this month, so that the dashboard has something to show.
    ///
    /// The support map was drawn up 45 days ago: detractors who left a comment since then have
    /// follow-ups, the older ones contacted and closed (a few late, a few never), the newest open.
    func seedNPS(today: LocalDate, at instant: Date) async throws {
        let nps = self.store.nps
        for demo in Self.npsTouchpoints { try await nps.save(demo.touchpoint, at: instant) }
        for (transaction, _) in Self.npsTransactions { try await nps.save(transaction, at: instant) }
        var random = SeededGenerator(seed: 2026)
        let zone = Self.timeZone
        let first = today.adding(days: -365)
        let end = Int64(instant.timeIntervalSince1970)
        // 45 days before the last answer (the instant may come before today's end).
        let mapDrawnUp = min(today, LocalDate(instant, in: zone)).adding(days: -45)
        var batch: [NPSAnswer] = []
        var count = 0
        // The transaction types each channel offers.
        let offeredByChannel = Dictionary(
            uniqueKeysWithValues: Set(Self.npsTouchpoints.map(\.touchpoint.channel)).map { channel in
                (channel, Self.npsTransactions.filter { $0.channels.contains(channel) }.map(\.0.code))
            }
        )
        var day = first
        while day <= today {
            let dayStart = day.midnight(in: zone)
            for demo in Self.npsTouchpoints {
                let touchpoint = demo.touchpoint
                var quality = demo.quality
                if touchpoint.channel == "contact_center" && (day.month == 6 || day.month == 7) { quality -= 0.25 }
                if touchpoint.code == "AG-GYE-01" && day.year == today.year && day.month == today.month { quality -= 0.3 }
                let weekend = day.weekday == .saturday || day.weekday == .sunday
                let expected = demo.perDay * (weekend && touchpoint.channel == "branch" ? 0.3 : 1)
                let answers = Int((expected * Double.random(in: 0.6...1.4, using: &random)).rounded())
                let offered = offeredByChannel[touchpoint.channel]!
                for _ in 0..<answers {
                    // During opening hours for branches, any time for the rest.
                    let second =
                        touchpoint.channel == "branch"
                        ? Int64.random(in: 32_400..<64_800, using: &random) : Int64.random(in: 0..<86_400, using: &random)
                    let answeredAt = dayStart + second
                    guard answeredAt <= end else { continue }
                    let roll = Double.random(in: 0..<1, using: &random)
                    let promoter = 0.30 + 0.40 * max(0, quality)
                    let detractor = max(0.05, 0.40 - 0.35 * quality)
                    let kind: NPSKind = roll < promoter ? .promoter : roll < promoter + detractor ? .detractor : .passive
                    let score =
                        switch kind {
                        case .promoter: Int.random(in: 9...10, using: &random)
                        case .passive: Int.random(in: 7...8, using: &random)
                        case .detractor: [0, 2, 3, 4, 5, 5, 6, 6, 6][Int.random(in: 0..<9, using: &random)]
                        }
                    let comment =
                        Double.random(in: 0..<1, using: &random) < (kind == .detractor ? 0.45 : 0.15)
                        ? Self.npsComments[touchpoint.channel]![kind]!.randomElement(using: &random)! : ""
                    count += 1
                    batch.append(
                        NPSAnswer(
                            externalRef: "ENC-\(count)",
                            answeredAt: answeredAt,
                            channel: touchpoint.channel,
                            touchpoint: touchpoint.code,
                            transaction: offered.randomElement(using: &random)!,
                            score: score,
                            comment: comment
                        )
                    )
                }
            }
            if day == mapDrawnUp {
                _ = try await nps.write(batch, unknown: .refuse, timeZone: zone, at: instant)
                batch.removeAll(keepingCapacity: true)
                try await self.drawUpSupportMap()
            }
            if batch.count >= 5000 || day == today {
                _ = try await nps.write(batch, unknown: .refuse, timeZone: zone, at: instant)
                batch.removeAll(keepingCapacity: true)
            }
            day = day.adding(days: 1)
        }
        try await self.followUpDetractors(at: instant)
    }

    /// Which back-office providers support what customers see, and for which unit where the two
    /// have an agreement in force (the others' follow-ups are kept, not measured).
    func drawUpSupportMap() async throws {
        _ = try await self.store.nps.replaceSupportMap(
            bytes: Array(
                """
                unit,channel,transaction,client
                TI,digital,,BDIG
                TI,atm,,AGEN
                OPCRED,,credito,COM
                TES,,retiro,
                TES,,deposito,
                TH,branch,,
                ADQ,correspondent,,AGEN
                SEG,,tarjeta,BDIG
                JUR,,reclamo,
                CONT,,pago-servicios,

                """.utf8
            ),
            skipInvalid: false
        )
    }

    /// Each supporting unit's manager calls its detractors back: most within a working day,
    /// some late, one in twelve never; most are then closed. The follow-ups of the last three
    /// days are still open.
    func followUpDetractors(at instant: Date) async throws {
        var random = SeededGenerator(seed: 45)
        let now = Int64(instant.timeIntervalSince1970)
        let managers = Dictionary(Self.users.filter { $0.2 == .manager }.map { ($0.3, $0.0) }, uniquingKeysWith: { first, _ in first })
        let system = Actor.system("demo")
        let (followUps, _) = try await self.store.followUps.list(FollowUpFilter(), visibleTo: system, limit: 100_000)
        var changes: [(id: Int64, change: FollowUpChange, by: Actor, at: Int64)] = []
        for followUp in followUps where followUp.openedAt < now - 3 * 86_400 {
            let roll = Double.random(in: 0..<1, using: &random)
            guard roll >= 1.0 / 12 else { continue }
            let owner = managers[followUp.unit]
            let person = owner.map { Actor(username: $0, name: $0, role: .manager, unit: followUp.unit, channel: .web) } ?? system
            // Hours later: within a working day mostly, up to four days for the late ones.
            let hours = roll < 0.2 ? Double.random(in: 30...96, using: &random) : Double.random(in: 1...20, using: &random)
            var contact = followUp.openedAt + Int64(hours * 3600)
            // People call during office hours (08:30–17:30 in Quito, UTC−5).
            let local = (contact - 5 * 3600) % 86_400
            if local < 30_600 || local > 63_000 {
                contact += (86_400 + 32_400 - local) % 86_400 + Int64.random(in: 0..<10_800, using: &random)
            }
            contact = min(contact, now)
            let note = Self.followUpNotes.randomElement(using: &random)!
            changes.append((followUp.id, FollowUpChange(status: .contacted, owner: owner, note: note), person, contact))
            // Most are closed within two days of the call; one in five waits on something.
            let close = contact + Int64.random(in: 3_600...172_800, using: &random)
            if close < now && Double.random(in: 0..<1, using: &random) >= 0.2 {
                changes.append((followUp.id, FollowUpChange(status: .closed, note: "Caso cerrado."), person, close))
            }
        }
        try await self.store.transaction { [changes] tx in
            for (id, change, person, at) in changes {
                _ = try await tx.followUps.change(id, change, by: person, at: Date(timeIntervalSince1970: TimeInterval(at)))
            }
        }
        while try await self.store.followUps.writeRequests(at: instant, timeZone: Self.timeZone) > 0 {}
    }

    static let followUpNotes = [
        "Llamamos al cliente: el problema ya estaba resuelto y agradeció el contacto.",
        "Se contactó al cliente por teléfono; se escaló la falla al equipo responsable.",
        "Cliente contactado por correo; se le explicó la causa y el plazo de solución.",
        "Se habló con el cliente y con la agencia; se acordó una visita de seguimiento.",
    ]
}
