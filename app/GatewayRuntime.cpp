#include "GatewayRuntime.h"

#include "admin/AdminApi.h"
#include "admin/AdminServer.h"
#include "certs/CertificateStatus.h"
#include "config/ConfigService.h"
#include "config/DeclarativeFormat.h"
#include "config/KeyUsageFlusher.h"
#include "config/QuotaFlusher.h"
#include "config/Snapshot.h"
#include "policy/rate_limit/RateLimiter.h"
#include "demo/DemoConfig.h"
#include "demo/MockServices.h"
#include "net/GatewayEngine.h"
#include "net/TlsServerContext.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

namespace portico {

QString defaultStorePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("portico.db"));
}

GatewayRuntime::GatewayRuntime(Program program, CommandLineOptions options, MockServices &mocks)
    : m_program(program), m_options(std::move(options)), m_mocks(mocks),
      m_engine(std::make_unique<GatewayEngine>())
{
}

GatewayRuntime::~GatewayRuntime()
{
    stop();
}

void GatewayRuntime::fail(int exitCode, const QString &line)
{
    m_errors.append(line);
    m_exitCode = exitCode;
}

bool GatewayRuntime::start()
{
    m_errors = checkOverrides(m_options);
    if (!m_errors.isEmpty()) {
        m_exitCode = 2;
        return false;
    }
    if (!openStore() || !startEngine())
        return false;
    m_keyUsage = std::make_unique<KeyUsageFlusher>(m_engine->keyUsage(), m_config->store());
    m_quotas = std::make_unique<QuotaFlusher>(m_engine->rateCounters(), m_config->store(),
                                              m_engine->snapshot()->rateLimiter->calendar());
    return startAdmin();
}

bool GatewayRuntime::openStore()
{
    // The desktop always runs the mock services: its default store starts as the demo.
    const bool needMocks = m_options.demo || m_program == Program::Desktop;
    if (needMocks && !m_mocks.isRunning()) {
        QString why;
        if (!m_mocks.start(&why)) {
            fail(1, QStringLiteral("cannot start the demo services: ") + why);
            return false;
        }
    }

    QString path = m_options.dbFile;
    Config initial;
    if (!m_options.configFile.isEmpty()) {
        ConfigLoadResult loaded = loadDeclarativeFile(m_options.configFile);
        m_warnings += loaded.warnings;
        if (!loaded.ok()) {
            for (const ConfigError &e : loaded.errors)
                fail(2, QStringLiteral("config error: ") + e.toString());
            return false;
        }
        initial = std::move(loaded.config);
        path = ConfigStore::kInMemory;
        m_storeDescription = QStringLiteral("in memory (from %1)").arg(m_options.configFile);
    } else if (m_options.demo) {
        initial = makeDemoConfig(m_mocks);
        path = ConfigStore::kInMemory;
        m_storeDescription = QStringLiteral("in memory (demo)");
    } else {
        if (path.isEmpty())
            path = defaultStorePath();
        if (m_program == Program::Desktop) {
            initial = makeStoredDemoConfig();
            if (m_mocks.port(QStringLiteral("users")) != MockServices::kDefaultFirstPort)
                m_warnings.append(QStringLiteral(
                    "the demo services could not have their ports (%1 and up are busy); routes "
                    "of the store that point at them answer 502 until they can")
                                      .arg(MockServices::kDefaultFirstPort));
        }
        m_storeDescription = path;
    }

    ConfigStore::OpenResult opened = ConfigStore::open(path, initial);
    if (!opened.store) {
        // A store holding an invalid configuration says which fields, like a bad file would.
        const bool invalid = opened.status == ConfigStore::OpenResult::Status::Invalid;
        fail(invalid ? 2 : 1, opened.error);
        for (const ConfigError &e : opened.errors)
            fail(2, QStringLiteral("config error: ") + e.toString());
        return false;
    }
    if (opened.created && path != ConfigStore::kInMemory)
        m_warnings.append(QStringLiteral("created %1").arg(path));
    m_config = std::make_unique<ConfigService>(std::move(opened.store), [this](const Config &c) {
        if (!m_engine->isRunning())
            return ConfigErrors(); // stored; it runs at the next start
        Config running = c; // cheap: the long lists are shared
        applyOverrides(m_options, running);
        ConfigErrors errors = m_engine->apply(running, ConfigCheck::AlreadyValidated);
        if (errors.empty() && c.certificates != m_checkedCertificates)
            checkCertificates(c);
        return errors;
    });
    return true;
}

Config GatewayRuntime::runningConfig() const
{
    Config config = m_config->config();
    applyOverrides(m_options, config);
    return config;
}

bool GatewayRuntime::loadListenerTls()
{
    if (m_options.tlsCert.isEmpty())
        return true;
    const auto readPem = [this](const QString &path, QByteArray *pem) {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly)) {
            *pem = file.readAll();
            return true;
        }
        m_errors.append(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        return false;
    };
    QByteArray certificate, key;
    if (!readPem(m_options.tlsCert, &certificate) || !readPem(m_options.tlsKey, &key)) {
        m_exitCode = 1;
        return false;
    }
    QString why;
    std::shared_ptr<const TlsServerContext> tls = TlsServerContext::fromPem(certificate, key, &why);
    if (!tls) {
        m_errors.append(QStringLiteral("--tls-cert %1, --tls-key %2: %3")
                            .arg(m_options.tlsCert, m_options.tlsKey, why));
        m_exitCode = 2;
        return false;
    }
    m_engine->setListenerTls(std::move(tls));
    return true;
}

bool GatewayRuntime::startEngine()
{
    if (!loadListenerTls())
        return false;
    // start() validates; an override that does not fit the stored settings (--admin on the
    // listen address, say) comes back as a config error from there.
    const Config config = runningConfig();
    ConfigErrors errors;
    bool started = m_engine->start(config, &errors);
    StartFailure failure;
    if (!started)
        failure = describeStartFailure(config, errors);
    // The desktop demo should come up even when 8080 is taken (say, by a porticod --demo):
    // without an explicit --listen it moves to a free port, which the window shows.
    if (!started && failure.exitCode == 1 && m_program == Program::Desktop
        && m_options.listen.isEmpty()) {
        m_options.listen = QStringLiteral("127.0.0.1:0");
        errors.clear();
        started = m_engine->start(runningConfig(), &errors);
        if (started)
            m_warnings.append(QStringLiteral("%1 is busy; the gateway listens on %2 instead")
                                  .arg(config.settings.listen, m_engine->listenerUrls().value(0)));
    }
    if (!started) {
        m_errors += failure.lines;
        m_exitCode = failure.exitCode;
        return false;
    }

    m_started = runningConfig().settings;
    m_checkedCertificates = config.certificates;
    m_warnings += portico::certificateWarnings(config, QDateTime::currentDateTimeUtc());
    m_certificateTimer = new QTimer(this);
    m_certificateTimer->setInterval(12 * 3600 * 1000);
    connect(m_certificateTimer, &QTimer::timeout, this,
            [this] { checkCertificates(m_config->config()); });
    m_certificateTimer->start();
    return true;
}

void GatewayRuntime::checkCertificates(const Config &config)
{
    m_checkedCertificates = config.certificates;
    const QStringList warnings =
        portico::certificateWarnings(config, QDateTime::currentDateTimeUtc());
    if (!warnings.isEmpty())
        Q_EMIT certificateWarnings(warnings);
}

bool GatewayRuntime::startAdmin()
{
    m_adminApi = std::make_unique<AdminApi>(*m_config, m_engine.get());
    m_admin = std::make_unique<AdminServer>(*m_adminApi);
    const QString address = runningConfig().settings.adminListen;
    if (address.isEmpty())
        return true; // the Admin API is off
    QString why;
    if (m_admin->listen(address, &why))
        return true;
    // Like the gateway's port: the desktop moves on, the daemon reports and stops.
    if (m_program == Program::Desktop && m_options.admin.isEmpty()) {
        const QString host = address.left(address.lastIndexOf(u':'));
        QString second;
        if (m_admin->listen(host + QStringLiteral(":0"), &second)) {
            m_options.admin = host + QLatin1Char(':') + QString::number(m_admin->port());
            m_warnings.append(
                QStringLiteral("%1; the Admin API is on %2 instead").arg(why, adminUrl()));
            return true;
        }
    }
    fail(1, why);
    return false;
}

void GatewayRuntime::stop()
{
    if (m_admin)
        m_admin->close();
    m_engine->stop();
    if (m_keyUsage)
        m_keyUsage->flush(); // the last uses, once no request can add more
    if (m_quotas)
        m_quotas->flush();
}

QStringList GatewayRuntime::listenerUrls() const
{
    return m_engine->listenerUrls();
}

QString GatewayRuntime::adminUrl() const
{
    return m_admin && m_admin->isListening() ? m_admin->url() : QString();
}

QString GatewayRuntime::storeDescription() const
{
    return m_storeDescription;
}

QStringList GatewayRuntime::reloadConfigFile(bool *ok)
{
    *ok = false;
    if (m_options.configFile.isEmpty())
        return {QStringLiteral("SIGHUP ignored: only --config has a file to reload")};
    ConfigLoadResult loaded = loadDeclarativeFile(m_options.configFile);
    QStringList lines;
    for (const QString &w : loaded.warnings)
        lines.append(QStringLiteral("config warning: ") + w);
    if (!loaded.ok()) {
        for (const ConfigError &e : loaded.errors)
            lines.append(QStringLiteral("config error: ") + e.toString());
        return lines;
    }
    const StoreResult result = m_config->replace(
        loaded.config, ConfigSource::Import,
        QStringLiteral("reload of %1").arg(m_options.configFile));
    for (const ConfigError &e : result.errors)
        lines.append(QStringLiteral("config error: ") + e.toString());
    *ok = result.ok();
    return lines;
}

} // namespace portico
