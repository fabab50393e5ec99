#include "SettingsPage.h"

#include "views/FieldErrorLabel.h"
#include "views/StatusColors.h"
#include "views/PageHeader.h"
#include "views/SettingsEdit.h"

#include "config/ConfigService.h"
#include "config/ConfigValidator.h"
#include "policy/rate_limit/RedisEndpoint.h"
#include "policy/rate_limit/RedisSyncClient.h"

#include <QApplication>

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QThread>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>

namespace portico {

namespace {

const QString kDefaultRedis = QStringLiteral("redis://127.0.0.1:6379/0");
const QString kDefaultAdmin = QStringLiteral("127.0.0.1:8081");

QComboBox *choices(const QString &name, const QList<std::pair<QString, QString>> &items)
{
    auto *box = new QComboBox;
    box->setObjectName(name);
    for (const auto &[value, text] : items)
        box->addItem(text, value);
    return box;
}

void select(QComboBox *box, const QString &value)
{
    const int i = box->findData(value);
    if (i >= 0)
        box->setCurrentIndex(i);
    else
        box->setEditText(value); // an editable box (time zones) shows any stored value
}

QString value(const QComboBox *box)
{
    return box->isEditable() ? box->currentText().trimmed() : box->currentData().toString();
}

} // namespace

SettingsPage::SettingsPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
    , m_general(new FieldErrorLabel(QStringLiteral("generalErrors")))
    , m_errors(m_general)
    , m_validateTimer(new QTimer(this))
{
    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(150); // check once typing pauses, not on every key
    connect(m_validateTimer, &QTimer::timeout, this, &SettingsPage::validateNow);

    m_notice = new QLabel;
    m_notice->setObjectName(QStringLiteral("notice"));
    m_notice->setWordWrap(true);
    m_apply = new QPushButton(tr("Apply"));
    m_apply->setObjectName(QStringLiteral("apply"));
    m_apply->setDefault(true);
    m_revert = new QPushButton(tr("Revert"));
    m_revert->setObjectName(QStringLiteral("revert"));
    connect(m_apply, &QPushButton::clicked, this, &SettingsPage::apply);
    connect(m_revert, &QPushButton::clicked, this, &SettingsPage::revert);

    auto *content = new QWidget;
    auto *columns = new QHBoxLayout(content);
    auto *left = new QVBoxLayout;
    left->addWidget(buildGateway());
    left->addWidget(buildAdmin());
    left->addStretch(1);
    auto *right = new QVBoxLayout;
    right->addWidget(buildRateLimits());
    right->addStretch(1);
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    auto *scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_notice, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new PageHeader(tr("Settings"),
                                     tr("How Portico listens, and how it counts rate limits.")));
    layout->addWidget(scroll, 1);
    layout->addWidget(m_general);
    layout->addLayout(buttons);

    connect(m_room.config, &ConfigService::configChanged, this, [this] {
        if (!m_apply->isEnabled())
            load(); // nothing edited here: show the new settings
        else
            m_notice->setText(tr("The settings were changed elsewhere: Revert shows them, "
                                 "Apply replaces them with yours."));
    });
    connect(this, &SettingsPage::redisTestFinished, this, [this](bool ok, const QString &text) {
        m_redisResult->setText((ok ? QStringLiteral("✔ ") : QStringLiteral("✘ ")) + text);
        setTextColor(m_redisResult, ok ? okColor(palette()) : errorColor(palette()));
        m_testRedis->setEnabled(m_storeRedis->isChecked());
    });
    load();
}

QWidget *SettingsPage::buildGateway()
{
    auto *box = new QGroupBox(tr("Gateway"));
    auto *form = new QFormLayout(box);
    m_listen = new QLineEdit;
    m_listen->setObjectName(QStringLiteral("listen"));
    m_listen->setPlaceholderText(QStringLiteral("127.0.0.1:8080"));
    m_workers = new QSpinBox;
    m_workers->setObjectName(QStringLiteral("workers"));
    m_workers->setRange(0, 256);
    m_workers->setSpecialValueText(tr("one per core (%1)").arg(QThread::idealThreadCount()));
    m_errors.addRow(form, tr("Listen on:"), m_listen, QStringLiteral("settings.listen"));
    m_errors.addRow(form, tr("Worker threads:"), m_workers, QStringLiteral("settings.workers"));
    auto *note = new QLabel(tr("Changes here take effect when Portico starts again. HTTPS is set "
                               "up on the Certificates page."));
    note->setForegroundRole(QPalette::PlaceholderText);
    note->setWordWrap(true);
    form->addRow(note);
    connect(m_listen, &QLineEdit::textChanged, this, &SettingsPage::onEdited);
    connect(m_workers, &QSpinBox::valueChanged, this, &SettingsPage::onEdited);
    return box;
}

QWidget *SettingsPage::buildAdmin()
{
    auto *box = new QGroupBox(tr("Admin API"));
    auto *form = new QFormLayout(box);
    m_adminEnabled = new QCheckBox(tr("Serve the Admin API"));
    m_adminEnabled->setObjectName(QStringLiteral("adminEnabled"));
    m_adminListen = new QLineEdit;
    m_adminListen->setObjectName(QStringLiteral("adminListen"));
    m_adminListen->setPlaceholderText(kDefaultAdmin);
    m_adminToken = new QLineEdit;
    m_adminToken->setObjectName(QStringLiteral("adminToken"));
    m_adminToken->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_adminToken->setPlaceholderText(tr("none (loopback only)"));
    form->addRow(m_adminEnabled);
    m_errors.addRow(form, tr("Listen on:"), m_adminListen,
                     QStringLiteral("settings.admin_listen"));
    m_errors.addRow(form, tr("Token:"), m_adminToken, QStringLiteral("settings.admin_token"));
    auto *note = new QLabel(tr("With a token, writes (and any call from another machine) need "
                               "<code>Authorization: Bearer &lt;token&gt;</code>. The address "
                               "takes effect when Portico starts again."));
    note->setForegroundRole(QPalette::PlaceholderText);
    note->setWordWrap(true);
    form->addRow(note);
    connect(m_adminEnabled, &QCheckBox::toggled, this, [this](bool on) {
        m_adminListen->setEnabled(on);
        m_adminToken->setEnabled(on);
        if (!on && !m_adminListen->text().isEmpty())
            m_lastAdminListen = m_adminListen->text();
        if (on && m_adminListen->text().isEmpty())
            m_adminListen->setText(m_lastAdminListen.isEmpty() ? kDefaultAdmin
                                                               : m_lastAdminListen);
        onEdited();
    });
    connect(m_adminListen, &QLineEdit::textChanged, this, &SettingsPage::onEdited);
    connect(m_adminToken, &QLineEdit::textChanged, this, &SettingsPage::onEdited);
    return box;
}

QWidget *SettingsPage::buildRateLimits()
{
    auto *box = new QGroupBox(tr("Rate limits"));
    auto *form = new QFormLayout(box);
    m_storeLocal = new QRadioButton(tr("In this process (exact, not shared)"));
    m_storeLocal->setObjectName(QStringLiteral("storeLocal"));
    m_storeRedis = new QRadioButton(tr("In Redis (shared by several gateways)"));
    m_storeRedis->setObjectName(QStringLiteral("storeRedis"));
    auto *group = new QButtonGroup(box);
    group->addButton(m_storeLocal);
    group->addButton(m_storeRedis);
    m_redisUrl = new QLineEdit;
    m_redisUrl->setObjectName(QStringLiteral("redisUrl"));
    m_redisUrl->setPlaceholderText(kDefaultRedis);
    m_testRedis = new QPushButton(tr("Test connection"));
    m_testRedis->setObjectName(QStringLiteral("testRedis"));
    m_redisResult = new QLabel;
    m_redisResult->setObjectName(QStringLiteral("redisResult"));
    m_redisResult->setWordWrap(true);
    auto *redisRow = new QHBoxLayout;
    redisRow->addWidget(m_redisUrl, 1);
    redisRow->addWidget(m_testRedis);
    auto *redisWidget = new QWidget;
    redisWidget->setLayout(redisRow);
    redisRow->setContentsMargins(0, 0, 0, 0);

    m_redisDown = choices(QStringLiteral("redisDown"),
                          {{QStringLiteral("local"), tr("count in this process meanwhile")},
                           {QStringLiteral("open"), tr("let requests through (fail open)")},
                           {QStringLiteral("closed"), tr("refuse with 503 (fail closed)")}});
    m_redisTimeout = new QSpinBox;
    m_redisTimeout->setObjectName(QStringLiteral("redisTimeout"));
    m_redisTimeout->setRange(0, 60'000);
    m_redisTimeout->setSuffix(tr(" ms"));
    m_headerStyle = choices(
        QStringLiteral("headerStyle"),
        {{QStringLiteral("ietf"), tr("RateLimit-Policy and RateLimit (IETF draft)")},
         {QStringLiteral("legacy"), tr("X-RateLimit-Limit, -Remaining, -Reset")},
         {QStringLiteral("both"), tr("both")},
         {QStringLiteral("none"), tr("none")}});
    m_quotaTimezone = new QComboBox;
    m_quotaTimezone->setObjectName(QStringLiteral("quotaTimezone"));
    m_quotaTimezone->setEditable(true);
    m_quotaTimezone->setInsertPolicy(QComboBox::NoInsert);
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        m_quotaTimezone->addItem(QString::fromLatin1(id), QString::fromLatin1(id));

    form->addRow(tr("Counters:"), m_storeLocal);
    form->addRow(QString(), m_storeRedis);
    m_errors.addRow(form, tr("Redis:"), redisWidget, QStringLiteral("settings.rate_limit_store"));
    form->addRow(QString(), m_redisResult);
    m_errors.addRow(form, tr("When Redis is unreachable:"), m_redisDown,
                     QStringLiteral("settings.rate_limit_redis_down"));
    m_errors.addRow(form, tr("Redis timeout:"), m_redisTimeout,
                     QStringLiteral("settings.rate_limit_redis_timeout_ms"));
    m_errors.addRow(form, tr("Fields on answers:"), m_headerStyle,
                     QStringLiteral("settings.rate_limit_headers"));
    m_errors.addRow(form, tr("Day and month quotas reset in:"), m_quotaTimezone,
                     QStringLiteral("settings.quota_timezone"));

    connect(m_storeRedis, &QRadioButton::toggled, this, [this](bool redis) {
        m_redisUrl->setEnabled(redis);
        m_testRedis->setEnabled(redis);
        m_redisDown->setEnabled(redis);
        m_redisTimeout->setEnabled(redis);
        if (redis && m_redisUrl->text().isEmpty())
            m_redisUrl->setText(kDefaultRedis);
        onEdited();
    });
    connect(m_redisUrl, &QLineEdit::textChanged, this, [this] {
        m_redisResult->clear();
        onEdited();
    });
    connect(m_testRedis, &QPushButton::clicked, this, &SettingsPage::testRedis);
    for (QComboBox *c : {m_redisDown, m_headerStyle})
        connect(c, &QComboBox::currentIndexChanged, this, &SettingsPage::onEdited);
    connect(m_quotaTimezone, &QComboBox::currentTextChanged, this, &SettingsPage::onEdited);
    connect(m_redisTimeout, &QSpinBox::valueChanged, this, &SettingsPage::onEdited);
    return box;
}

void SettingsPage::load()
{
    m_loading = true;
    const SettingsConfig &s = m_room.config->config().settings;
    m_loadedRevision = m_room.config->revision();
    m_listen->setText(s.listen);
    m_workers->setValue(s.workers);
    m_adminEnabled->setChecked(!s.adminListen.isEmpty());
    m_adminListen->setText(s.adminListen);
    m_adminListen->setEnabled(!s.adminListen.isEmpty());
    m_adminToken->setEnabled(!s.adminListen.isEmpty());
    if (!s.adminListen.isEmpty())
        m_lastAdminListen = s.adminListen;
    m_adminToken->setText(s.adminToken);
    const bool redis = s.rateLimitStore != QLatin1String("local");
    (redis ? m_storeRedis : m_storeLocal)->setChecked(true);
    m_redisUrl->setText(redis ? s.rateLimitStore : QString());
    m_redisUrl->setEnabled(redis);
    m_testRedis->setEnabled(redis);
    m_redisDown->setEnabled(redis);
    m_redisTimeout->setEnabled(redis);
    select(m_redisDown, s.rateLimitRedisDown);
    m_redisTimeout->setValue(s.rateLimitRedisTimeoutMs);
    select(m_headerStyle, s.rateLimitHeaders);
    select(m_quotaTimezone, s.quotaTimezone);
    m_loading = false;
    m_notice->clear();
    m_errors.clear();
    m_valid = true;
    updateEnabled();
}

SettingsConfig SettingsPage::editedSettings() const
{
    SettingsConfig s = m_room.config->config().settings;
    s.listen = m_listen->text().trimmed();
    s.workers = m_workers->value();
    s.adminListen = m_adminEnabled->isChecked() ? m_adminListen->text().trimmed() : QString();
    s.adminToken = m_adminToken->text();
    s.rateLimitStore = m_storeRedis->isChecked() ? m_redisUrl->text().trimmed()
                                                 : QStringLiteral("local");
    s.rateLimitRedisDown = value(m_redisDown);
    s.rateLimitRedisTimeoutMs = m_redisTimeout->value();
    s.rateLimitHeaders = value(m_headerStyle);
    s.quotaTimezone = value(m_quotaTimezone);
    return s;
}

void SettingsPage::onEdited()
{
    if (m_loading)
        return;
    updateEnabled();
    m_validateTimer->start();
}

void SettingsPage::validateNow()
{
    m_validateTimer->stop();
    const Config &stored = m_room.config->config();
    Config candidate = stored;
    candidate.settings = editedSettings();
    const ConfigErrors errors = validateConfig(candidate, &stored);
    m_errors.show(errors);
    m_valid = errors.empty();
    updateEnabled();
}

void SettingsPage::updateEnabled()
{
    const bool changed = !(editedSettings() == m_room.config->config().settings);
    m_apply->setEnabled(changed && m_valid && !m_validateTimer->isActive());
    m_revert->setEnabled(changed);
}

bool SettingsPage::apply()
{
    validateNow();
    if (!m_apply->isEnabled())
        return false;
    const SettingsConfig wanted = editedSettings();
    if (!storeSettingsEdit(
            m_room, tr("settings updated"), m_loadedRevision,
            [&](SettingsConfig &settings) { settings = wanted; }, m_notice, m_errors))
        return false;
    load();
    m_notice->setText(tr("Applied."));
    return true;
}

void SettingsPage::revert()
{
    load();
}

void SettingsPage::testRedis()
{
    QString error;
    const std::optional<RedisEndpoint> endpoint = RedisEndpoint::parse(m_redisUrl->text().trimmed(),
                                                                       &error);
    if (!endpoint) {
        Q_EMIT redisTestFinished(false, error);
        return;
    }
    m_testRedis->setEnabled(false);
    setTextColor(m_redisResult, QColor());
    m_redisResult->setText(tr("Connecting to %1…").arg(endpoint->address()));
    const int timeoutMs = qMax(1000, m_redisTimeout->value());
    // A blocking client on a thread of its own: the window never waits for Redis.
    QPointer<SettingsPage> self(this);
    QThread *thread = QThread::create([self, endpoint = *endpoint, timeoutMs] {
        QElapsedTimer clock;
        clock.start();
        const RedisReply reply =
            RedisSyncClient::command(endpoint, {QByteArrayLiteral("PING")}, timeoutMs);
        const bool ok = reply.ok && reply.value.string == "PONG";
        QString why = QString::fromUtf8(reply.ok ? reply.value.describe() : reply.error);
        if (reply.isDown())
            why = QObject::tr("cannot connect (is Redis running there?)");
        else if (reply.isTimeout())
            why = QObject::tr("no answer within %1 ms").arg(timeoutMs);
        const QString message = ok ? QObject::tr("Redis at %1 answered in %2 ms")
                                         .arg(endpoint.address())
                                         .arg(clock.elapsed())
                                   : QObject::tr("%1: %2").arg(endpoint.address(), why);
        QMetaObject::invokeMethod(
            qApp,
            [self, ok, message] {
                if (self)
                    Q_EMIT self->redisTestFinished(ok, message);
            },
            Qt::QueuedConnection);
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

} // namespace portico
