#pragma once

#include "views/FieldErrors.h"

#include "config/ConfigStore.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLineEdit;
class QPushButton;

namespace portico {

// Creates or edits a consumer: name, plan, custom id and groups. Each field is checked as it
// is typed, by the gateway's own validation, with the message under the field; Apply stays
// disabled while anything is wrong. Apply emits applyRequested(): the page stores the change
// and either accepts the dialog or hands back the store's errors with showResult().
class ConsumerDialog : public QDialog
{
    Q_OBJECT
public:
    // `existing` null: a new consumer. `config` is read here only (names to stay unique, the
    // plans to choose from).
    ConsumerDialog(const Config &config, const ConsumerConfig *existing, QWidget *parent = nullptr);

    // The consumer as entered (keys as they were; none for a new one).
    ConsumerConfig consumer() const;
    QString originalName() const { return m_original.name; }
    bool isNew() const { return m_isNew; }
    bool isValid() const;

    // Puts a refused edit's errors next to their fields; others above the buttons.
    void showResult(const StoreResult &result);

Q_SIGNALS:
    void applyRequested();

private:
    void validate();
    QStringList groups() const;

    ConsumerConfig m_original;
    bool m_isNew;
    QList<ConsumerConfig> m_consumers; // shared with the configuration: no copy
    std::vector<PlanConfig> m_plans;
    QLineEdit *m_name;
    QComboBox *m_plan;
    QLineEdit *m_customId;
    QLineEdit *m_groups;
    FieldErrorLabel *m_nameMessage;
    FieldErrorLabel *m_customIdMessage;
    FieldErrorLabel *m_message; // what no field claims
    FieldErrors m_errors;
    QPushButton *m_apply;
};

} // namespace portico
