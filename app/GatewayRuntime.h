#pragma once

#include "CommandLine.h"

#include "config/ConfigStore.h"

#include <QObject>
#include <QTimer>
#include <QStringList>

#include <memory>

namespace portico {

class AdminApi;
class AdminServer;
class ConfigService;
class GatewayEngine;
class KeyUsageFlusher;
class QuotaFlusher;
class MockServices;

// What both programs run: the configuration store for the options (--db file, the desktop's
// default store, or an in-memory store holding --config or the demo), the gateway engine on
// it, and the Admin API. Edits from anywhere go through configService() and reach the engine;
// --listen/--admin/--workers apply to what runs, never to what is stored.
class GatewayRuntime : public QObject
{
    Q_OBJECT
public:
    GatewayRuntime(Program program, CommandLineOptions options, MockServices &mocks);
    ~GatewayRuntime() override;

    // Opens the store, starts the engine and the Admin API. On false, errors() says why and
    // exitCode() is 2 for configuration errors, 1 for the rest (a busy port, a damaged store).
    bool start();
    void stop();

    QStringList errors() const { return m_errors; }
    QStringList warnings() const { return m_warnings; }
    int exitCode() const { return m_exitCode; }

    GatewayEngine &engine() { return *m_engine; }
    // Once the store is open (even when the engine did not start).
    ConfigService *configService() { return m_config.get(); }
    // The configuration the engine runs: the stored one with the overrides applied.
    Config runningConfig() const;
    QStringList listenerUrls() const;
    QString adminUrl() const;
    QString storeDescription() const; // the file, or "in memory (from FILE)"
    // The settings the engine was started with (listener and workers change only by a restart).
    const SettingsConfig &startedSettings() const { return m_started; }

    // SIGHUP with --config: reads the file again and stores it (source import). Returns the
    // lines to print; ok tells whether it was applied.
    QStringList reloadConfigFile(bool *ok);

Q_SIGNALS:
    // Certificates expired or expiring soon (settings.certificate_warning_days): checked at
    // start (into warnings()), when the certificates change and twice a day.
    void certificateWarnings(const QStringList &warnings);

private:
    void checkCertificates(const Config &config);
    bool openStore();
    // --tls-cert and --tls-key, when given, for the engine's listener.
    bool loadListenerTls();
    bool startEngine();
    bool startAdmin();
    void fail(int exitCode, const QString &line);

    Program m_program;
    CommandLineOptions m_options;
    MockServices &m_mocks;
    std::unique_ptr<GatewayEngine> m_engine;
    std::unique_ptr<ConfigService> m_config;
    std::unique_ptr<AdminApi> m_adminApi;
    std::unique_ptr<AdminServer> m_admin;
    std::unique_ptr<KeyUsageFlusher> m_keyUsage; // needs m_config's store: declared after it
    std::unique_ptr<QuotaFlusher> m_quotas;      // the same
    QString m_storeDescription;
    SettingsConfig m_started;
    QStringList m_errors;
    QStringList m_warnings;
    int m_exitCode = 0;
    std::vector<CertificateConfig> m_checkedCertificates; // as of the last check
    QTimer *m_certificateTimer = nullptr;
};

// QStandardPaths::AppDataLocation/portico.db.
QString defaultStorePath();

} // namespace portico
