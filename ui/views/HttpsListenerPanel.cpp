#include "HttpsListenerPanel.h"

#include "views/FieldErrorLabel.h"
#include "views/SettingsEdit.h"

#include "config/ConfigService.h"
#include "config/ConfigValidator.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>

namespace portico {

namespace {

constexpr int kTwoYearsS = 2 * 366 * 24 * 3600; // the most hsts_max_age_s takes
constexpr int kYearS = 365 * 24 * 3600;

// The settings this panel edits, put into `to`.
void copyHttpsFields(const SettingsConfig &from, SettingsConfig &to)
{
    to.listenTls = from.listenTls;
    to.redirectHttp = from.redirectHttp;
    to.hstsMaxAgeS = from.hstsMaxAgeS;
    to.certificateWarningDays = from.certificateWarningDays;
}

bool sameHttpsFields(const SettingsConfig &a, const SettingsConfig &b)
{
    SettingsConfig mixed = b;
    copyHttpsFields(a, mixed);
    return mixed == b;
}

} // namespace

HttpsListenerPanel::HttpsListenerPanel(ControlRoom room, QWidget *parent)
    : QGroupBox(tr("HTTPS listener"), parent)
    , m_room(room)
    , m_general(new FieldErrorLabel(QStringLiteral("httpsErrors")))
    , m_errors(m_general)
    , m_validateTimer(new QTimer(this))
    , m_listen(new QLineEdit)
    , m_redirect(new QCheckBox(tr("Redirect plain HTTP to HTTPS (308)")))
    , m_hsts(new QSpinBox)
    , m_warningDays(new QSpinBox)
    , m_notice(new QLabel)
    , m_apply(new QPushButton(tr("Apply")))
    , m_revert(new QPushButton(tr("Revert")))
{
    setObjectName(QStringLiteral("httpsListener"));
    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(150); // check once typing pauses, not on every key
    connect(m_validateTimer, &QTimer::timeout, this, &HttpsListenerPanel::validateNow);

    m_listen->setObjectName(QStringLiteral("listenTls"));
    m_listen->setPlaceholderText(tr("none; e.g. 127.0.0.1:8443"));
    m_redirect->setObjectName(QStringLiteral("redirectHttp"));
    m_redirect->setToolTip(tr("The plain listener answers every request with a redirect to the "
                              "same URL over HTTPS, and forwards nothing"));
    m_hsts->setObjectName(QStringLiteral("hstsMaxAge"));
    m_hsts->setRange(0, kTwoYearsS);
    m_hsts->setSingleStep(kYearS / 12);
    m_hsts->setSuffix(tr(" s"));
    m_hsts->setSpecialValueText(tr("off"));
    m_hsts->setToolTip(tr("Strict-Transport-Security: browsers use only HTTPS for this host "
                          "for that long (a year is 31536000 s)"));
    m_warningDays->setObjectName(QStringLiteral("certificateWarningDays"));
    m_warningDays->setRange(0, 3650);
    m_warningDays->setSuffix(tr(" days before"));
    m_warningDays->setSpecialValueText(tr("only once expired"));

    auto *form = new QFormLayout(this);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_errors.addRow(form, tr("Listen on:"), m_listen, QStringLiteral("settings.listen_tls"));
    m_errors.addRow(form, QString(), m_redirect, QStringLiteral("settings.redirect_http"));
    m_errors.addRow(form, tr("HSTS max-age:"), m_hsts, QStringLiteral("settings.hsts_max_age_s"));
    m_errors.addRow(form, tr("Flag expiry:"), m_warningDays,
                    QStringLiteral("settings.certificate_warning_days"));
    auto *note = new QLabel(tr("The address takes effect when Portico starts again; "
                               "certificates change at once, for new connections."));
    note->setForegroundRole(QPalette::PlaceholderText);
    note->setWordWrap(true);
    form->addRow(note);
    form->addRow(m_general);

    m_notice->setObjectName(QStringLiteral("httpsNotice"));
    m_notice->setWordWrap(true);
    m_apply->setObjectName(QStringLiteral("applyHttps"));
    m_revert->setObjectName(QStringLiteral("revertHttps"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_notice, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    form->addRow(buttons);

    connect(m_apply, &QPushButton::clicked, this, &HttpsListenerPanel::apply);
    connect(m_revert, &QPushButton::clicked, this, &HttpsListenerPanel::revert);
    connect(m_listen, &QLineEdit::textChanged, this, &HttpsListenerPanel::onEdited);
    connect(m_redirect, &QCheckBox::toggled, this, &HttpsListenerPanel::onEdited);
    connect(m_hsts, &QSpinBox::valueChanged, this, &HttpsListenerPanel::onEdited);
    connect(m_warningDays, &QSpinBox::valueChanged, this, &HttpsListenerPanel::onEdited);
    connect(m_room.config, &ConfigService::configChanged, this, &HttpsListenerPanel::storedChanged);
    load();
}

void HttpsListenerPanel::storedChanged()
{
    const bool edited = m_apply->isEnabled() || m_revert->isEnabled();
    if (sameHttpsFields(m_room.config->config().settings, m_loaded)) {
        // Another part of the configuration changed (a certificate, other settings): the edits
        // here still apply over it.
        m_loadedRevision = m_room.config->revision();
        if (edited)
            validateNow(); // a certificate added or deleted settles or raises "no certificate"
        else
            updateEnabled();
        return;
    }
    if (!edited)
        load(); // nothing edited here: show the new settings
    else
        m_notice->setText(tr("Changed elsewhere: Revert shows it, Apply replaces it."));
}

void HttpsListenerPanel::load()
{
    m_loading = true;
    const SettingsConfig &s = m_room.config->config().settings;
    m_loadedRevision = m_room.config->revision();
    m_loaded = s;
    m_listen->setText(s.listenTls);
    m_redirect->setChecked(s.redirectHttp);
    m_hsts->setValue(s.hstsMaxAgeS);
    m_warningDays->setValue(s.certificateWarningDays);
    m_loading = false;
    m_notice->clear();
    m_errors.clear();
    m_valid = true;
    updateEnabled();
}

SettingsConfig HttpsListenerPanel::editedSettings() const
{
    SettingsConfig s = m_room.config->config().settings;
    s.listenTls = m_listen->text().trimmed();
    s.redirectHttp = m_redirect->isChecked();
    s.hstsMaxAgeS = m_hsts->value();
    s.certificateWarningDays = m_warningDays->value();
    return s;
}

void HttpsListenerPanel::onEdited()
{
    if (m_loading)
        return;
    updateEnabled();
    m_validateTimer->start();
}

void HttpsListenerPanel::validateNow()
{
    m_validateTimer->stop();
    const Config &stored = m_room.config->config();
    Config candidate = stored;
    candidate.settings = editedSettings();
    ConfigErrors settingsErrors;
    // The panel's own fields only: a certificate's problem is the table's business.
    for (const ConfigError &e : validateConfig(candidate, &stored)) {
        if (e.path.startsWith(QStringLiteral("settings.")))
            settingsErrors.push_back(e);
    }
    m_errors.show(settingsErrors);
    m_valid = settingsErrors.empty();
    updateEnabled();
}

void HttpsListenerPanel::updateEnabled()
{
    const bool changed = !(editedSettings() == m_room.config->config().settings);
    m_apply->setEnabled(changed && m_valid && !m_validateTimer->isActive());
    m_revert->setEnabled(changed);
}

bool HttpsListenerPanel::apply()
{
    validateNow();
    if (!m_apply->isEnabled())
        return false;
    const SettingsConfig wanted = editedSettings();
    if (!storeSettingsEdit(
            m_room, tr("HTTPS settings updated"), m_loadedRevision,
            [&](SettingsConfig &settings) { copyHttpsFields(wanted, settings); }, m_notice,
            m_errors))
        return false;
    load();
    m_notice->setText(tr("Applied."));
    return true;
}

void HttpsListenerPanel::revert()
{
    load();
}

} // namespace portico
