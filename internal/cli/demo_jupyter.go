package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/haven"
)

// The demo program is Project Jupyter's bug bounty program, built from the
// two seed pages: Jupyter's program page on a hosted bounty platform and
// Jupyter's security page (jupyter.org/security). Wherever the seeds give a
// rule or a figure, the text below keeps their words; where a seed speaks of
// the hosted platform (its terms, its triage, its CVSS standard, its
// account), the text says what the same thing is in Haven.

// jupyterSlug is the demo program's slug.
const jupyterSlug = "jupyter"

// Links the program shows, with the URLs of Jupyter's security page.
const (
	jupyterServerSecurityURL = "https://jupyter-server.readthedocs.io/en/latest/operators/security.html"
	jupyterHubSecurityURL    = "https://jupyterhub.readthedocs.io/en/stable/reference/websecurity.html"
	jupyterForumURL          = "https://discourse.jupyter.org/c/special-topics/security/48"
	jupyterSecurityRepoURL   = "https://github.com/jupyter/security"
	jupyterCVEURL            = "https://www.cvedetails.com/vulnerability-list/vendor_id-15653/Jupyter.html"
	jupyterConductURL        = "https://jupyter.org/governance/conduct/code_of_conduct.html"
	githubDependencyAlerts   = "https://docs.github.com/en/code-security/supply-chain-security/managing-vulnerabilities-in-your-projects-dependencies/about-alerts-for-vulnerable-dependencies"
)

// jupyterContact is the program's e-mail intake address.
const jupyterContact = "security@jupyter.test"

// jupyterTier is the tier of all three packages.
const jupyterTier = 2

// jupyterRewards splits the seed's only figure, "Tier 2: €250 - €5,000",
// over the five severities. The seed says the amounts remain at Jupyter's
// discretion, so each severity gets a range rather than a fixed amount;
// together the ranges span exactly €250 to €5,000. The policy says the
// per-severity figures are illustrative.
var jupyterRewards = []haven.Reward{
	{Tier: jupyterTier, Severity: "Low", Min: 250_00, Max: 500_00},
	{Tier: jupyterTier, Severity: "Medium", Min: 500_00, Max: 1_000_00},
	{Tier: jupyterTier, Severity: "High", Min: 1_000_00, Max: 2_000_00},
	{Tier: jupyterTier, Severity: "Critical", Min: 2_000_00, Max: 3_500_00},
	{Tier: jupyterTier, Severity: "Exceptional", Min: 3_500_00, Max: 5_000_00},
}

// jupyterRetestBonus is "up to €50 bonus to verify a resolved issue".
const jupyterRetestBonus = 50_00

// jupyterNeedsInfoDays closes a report left waiting on its reporter. The
// seeds say nothing about it; 30 days is Haven's demo choice.
const jupyterNeedsInfoDays = 30

// jupyterAsset is one of the three packages. Descriptions are the seed's,
// verbatim.
type jupyterAsset struct {
	name, pkg, description, note string
}

var jupyterAssets = []jupyterAsset{
	{
		name:        "JupyterLab",
		pkg:         "jupyterlab",
		description: "JupyterLab is a highly extensible, feature-rich notebook authoring application and editing environment.",
	},
	{
		name:        "Jupyter Server",
		pkg:         "jupyter-server",
		description: "The Jupyter Server provides the backend (i.e. the core services, APIs, and REST endpoints) for Jupyter web applications like Jupyter notebook, JupyterLab, and Voila.",
		// The seed's "How can I install the app?" note; its typo
		// "ecoystem" is corrected.
		note: "*Note that Jupyter Server is a core component of both JupyterLab and JupyterHub and is usually used as a backend for other projects in the Jupyter ecosystem -- rarely accessed directly.*\n\n" +
			"Its security model and settings are documented in [Jupyter Server security](" + jupyterServerSecurityURL + ").",
	},
	{
		name: "JupyterHub",
		pkg:  "jupyterhub",
		description: "With JupyterHub you can create a multi-user Hub that spawns, manages, and proxies multiple instances of the single-user Jupyter Server.\n\n" +
			"Project Jupyter created JupyterHub to support many users. The Hub can offer notebook servers to a class of students, a corporate data science workgroup, a scientific research project, or a high-performance computing group.",
		note: "Its security model and settings are documented in [JupyterHub security](" + jupyterHubSecurityURL + ").",
	},
}

// jupyterInstall is every asset's testing instruction.
const jupyterInstall = "Install it in a personal environment (Python venv, conda or mamba), " +
	"not in your system Python. Test recent versions only."

// jupyterAdditionalOutOfScope is the seed's "Additionally, the following
// elements are out of scope" list: 23 bullets, verbatim and in order.
var jupyterAdditionalOutOfScope = []string{
	"Information disclosure through intentional software package functionality",
	"intentionally vulnerable configurations",
	"Exploit relying on third-party library or software package",
	"Reflective attacks that don't exploit other users or systems",
	"Verbose messages/files/directory listings without disclosing any sensitive information",
	"Self-XSS that can't be used to exploit other users",
	"CORS misconfiguration on non-sensitive endpoints",
	"Missing cookie flags",
	"Missing security headers",
	"CSRF with no or low impact",
	"Presence of autocomplete attribute on web forms",
	"Reverse tabnabbing",
	"Bypassing rate-limits or the non-existence of rate-limits.",
	"Clickjacking on pages with no sensitive actions",
	"Sessions not being invalidated (logout, enabling 2FA, etc.)",
	"Hyperlink injection/takeovers",
	"Cross-domain referrer leakage",
	"Content injection",
	"HTTP Request smuggling without any proven impact",
	"Banner grabbing/Version disclosure",
	"Open ports without an accompanying proof-of-concept demonstrating vulnerability",
	"Weak SSL configurations and SSL/TLS scan reports",
	"Disclosing API keys without proven impact",
}

// jupyterOutOfScope is every class of finding the seed excludes, in the
// order the seed gives them: 31 classes.
//
//   - 1 from the scope notes ("good findings will focus on violating trust
//     boundaries ... not building and exploiting intentionally vulnerable
//     configurations or using the code execution functionality to interact
//     with third party software"; the first half is already the second
//     "Additionally" bullet, so only the second half is a class of its own);
//   - 1 from the out-of-scope introduction ("If you find yourself attacking
//     targets online, you have exceeded the scope of this program");
//   - the 23 "Additionally" bullets, verbatim;
//   - 6 of the 8 general bullets that follow them. The other two are rules
//     about how reports are handled rather than classes of findings, and
//     are in the guidelines: a vulnerability already known from Jupyter's
//     own tests is flagged as a duplicate (a Haven known issue), and a
//     zero-day reported within 14 days of a patch is usually not eligible
//     for a bounty.
//
// The general bullets keep the seed's words, without the consequence
// ("will not be accepted", "may be excluded or be lowered in severity"),
// which the guidelines state in full.
func jupyterOutOfScope() []string {
	classes := []string{
		"Using the code execution functionality to interact with third party software",
		"Attacks against online targets, such as Jupyter's online ecosystem infrastructure and community members: this program is specifically for software packages that you will install and test on your host",
	}
	classes = append(classes, jupyterAdditionalOutOfScope...)
	return append(classes,
		"Theoretical security issues with no realistic exploit scenario(s) or attack surfaces, or issues that would require complex end user interactions to be exploited",
		"Spam, social engineering and physical intrusion",
		"DoS/DDoS attacks or brute force attacks",
		"Vulnerabilities that are limited to non-current browsers (older than 3 versions)",
		"Attacks requiring physical access to a victim’s computer/device, man in the middle or compromised user accounts",
		"Reports that state that software is out of date/vulnerable without a proof-of-concept",
	)
}

// jupyterRules are the rules of engagement a researcher accepts before
// submitting: the seed's list, with Haven's instance terms in place of the
// hosted platform's terms and conditions, and the seed's prohibitions of
// attacks on people and services.
const jupyterRules = `This project is restricted to static and dynamic analysis of the listed software packages. Attacks against online ecosystem infrastructure and community members is a violation of the rules of engagement.

By participating in this program, you agree to:

- Respect the [Community Code of Conduct](` + jupyterConductURL + `)
- Respect the terms of this Haven instance
- Respect the scope of the program
- Not discuss or disclose vulnerability information without prior written consent (including PoC's on YouTube and Vimeo)
- Not carry out DoS/DDoS attacks or brute force attacks
- Not use spam, social engineering or physical intrusion
`

// jupyterSafeHarbour is Haven's demo text, not Jupyter's: neither seed page
// has a safe-harbour statement, and a program on Haven should state one.
const jupyterSafeHarbour = `We will not pursue or support legal action against anyone who, in good faith, researches and reports a vulnerability in accordance with this policy and its rules of engagement. We consider such research authorised, will work with you to understand and resolve the issue quickly, and will acknowledge your contribution if you wish.

Good faith means that you test only the listed software packages on your own installations, never online services or other people's data; that you do no more than is needed to show the vulnerability; that you report it to us without delay; and that you keep it confidential until we agree to disclose it.

If in doubt whether something is allowed, ask us first through this program.
`

// jupyterGuidelines are the reporting guidelines of both seed pages: the
// security page's "Guidelines for reporting vulnerabilities" (the address
// of its mass-e-mail bullet is now the program's, and its bullet about
// asking for bounties points to this program's reward table), then the
// program page's rules on how reports are judged, its install note and its
// feedback note.
const jupyterGuidelines = `## Guidelines for reporting vulnerabilities

- If you are unsure, it is always best to contact us.
- Remember we are an open source project maintained by volunteers, we have limited resources to spare. Please be mindful of our time.
- **Avoid** sending basic reports that just use website scanning tools without context or understanding of the problem:
  - Example: we often receive minimalist reports of JavaScript vulnerability or incorrect CORS on _static_ websites (mostly on jupyter.org and documentation on ` + "`*.readthedocs.io`" + `). Static websites are not affected by these kinds of issues.
  - Examples of how to do this more effectively:
    - You ran a tool and think there is vulnerability because you are learning. In the body of your message, include your analysis and your uncertainty about the problem.
    - You are a security researcher: Verify the tool claim and try to develop a POC showing how the vulnerability could be exploited, and the fix that could resolve the problem.
- **Avoid** sending mass emails to ` + "`" + jupyterContact + "`" + ` (especially when cc'ing dozens of other emails from bug bounty programs).
- **Avoid** asking about bug bounties or rewards for discovery in a private channel: this program's reward table says what it pays; discuss anything else in the public [security forum](` + jupyterForumURL + `).

## How reports are judged

- Theoretical security issues with no realistic exploit scenario(s) or attack surfaces, or issues that would require complex end user interactions to be exploited, may be excluded or be lowered in severity.
- Vulnerabilities that are limited to non-current browsers (older than 3 versions) will not be accepted.
- Recently discovered zero-day vulnerabilities found in in-scope assets within 14 days after the public release of a patch or mitigation may be reported, but are usually not eligible for a bounty.
- Reports that state that software is out of date/vulnerable without a proof-of-concept will not be accepted.
- In case that a reported vulnerability was already known to Jupyter from their own tests, it will be flagged as a duplicate.
- The official solution for multi-user servers is JupyterHub. Therefore, reports assuming multiple users on a JupyterLab instance may not be valid.

## How can I install the app?

You will need to install these packages in personal environments. We recommend using Python venv, conda, or mamba to isolate your installation from your system Python.

*Note that Jupyter Server is a core component of both JupyterLab and JupyterHub and is usually used as a backend for other projects in the Jupyter ecosystem -- rarely accessed directly.*

## Feedback

Would you like to help us improve our program or have some feedback to share? Please send your anonymous feedback through the program feedback form on this page. Please note this form will be checked periodically and should not be used for submission or support queries.
`

// jupyterVendorAssessments is the security page's "Vendor assessments"
// section, kept as a canned response; the page's mojibake "Teamã€€is" is
// "Team is" here.
const jupyterVendorAssessments = `Jupyter cannot provide, or fill in "Plan-Risk Assessment", "Hecvat", "Vpat" and similar vendor assessing questionnaire.

You likely have been redirected to this section after contacting the Jupyter security team to fill in a questionnaire about the security best practice of your Jupyter "vendor", and to assess the Jupyter "product".

The Jupyter Team and Jupyter Security team are not vendors, and cannot act as a vendor. To be a vendor Jupyter would need to have a contractual relationship with you, which we do not have.

Your questionnaire also likely ask how your 'vendor' store your informations (user information, billing information, contact...); who has access to it; and how they are vetted... etc. The Jupyter team does not have any contact or billing information; nor do we collect; store or have access to any of the information about how your Jupyter user use Jupyter, or what they do in Jupyter; the Jupyter Team is not aware either of who installs Jupyter.

- If you use a service provider for Jupyter; they are your vendor, and can answer those questions.
- If you self-host Jupyter, then it is likely to your IT team to fill in those assessment as all the data is controlled by your IT team.
- If you still do need a vendor assessment we advise you to contact one of the many companies that provide Jupyter support; We cannot unfortunately give you names out of fairness.
`

// jupyterScannerAnswer answers a report that is scanner output without
// analysis, from the security page's guidelines.
const jupyterScannerAnswer = `Thank you for taking the time to write to us.

Your report consists of the output of an automated scanning tool, without an analysis of the problem. Jupyter is an open source project maintained by volunteers with limited resources, so we cannot act on a tool's claim alone.

Many reports of this kind concern JavaScript vulnerabilities or incorrect CORS on _static_ websites, mostly jupyter.org and documentation on ` + "`*.readthedocs.io`" + `. Static websites are not affected by these kinds of issues, and online targets are out of the scope of this program anyway: it covers recent versions of JupyterLab, Jupyter Server and JupyterHub that you install and test on your own host.

If you still believe there is a vulnerability, you are welcome to send a new report that includes:

- your analysis of the tool's claim, and, if you ran the tool because you are learning, your uncertainty about the problem;
- a proof of concept showing how the vulnerability could be exploited in a recent version of one of the listed packages;
- if you can, the fix that could resolve the problem.

If you are unsure, it is always best to ask us first.
`

// jupyterPolicy returns the program's policy: the program page's
// introduction, scope notes, security models, worst cases, infrastructure
// notes, validation times, severity assessment, rewards and "Check our fix",
// then the security page's vulnerability information and community
// resources. Its tables come from the same values the program is
// configured with, so the two cannot disagree.
func jupyterPolicy(bands []haven.SeverityBand, days map[string]int) string {
	var b strings.Builder
	b.WriteString(`This bug bounty program focuses on three open-source software packages from Project Jupyter: JupyterLab, Jupyter Server, and JupyterHub. [Project Jupyter](https://jupyter.org) is a non-profit, open-source project, that supports interactive data science and scientific computing across all programming languages. Jupyter is a large umbrella project that covers many different software offerings and tools.

The Jupyter Security Subproject exists to provide help and advice to Jupyter users, operators, and developers on security topics and to help coordinate handling of security issues.

## Scope

This program is scoped to recent versions of specific software packages. If you're not familiar with the Jupyter ecosystem, these packages exist to provide code execution capabilities and are extremely configurable. Therefore, good findings will focus on violating trust boundaries and security controls not building and exploiting intentionally vulnerable configurations or using the code execution functionality to interact with third party software. Read the documentation for the specific software package to identify valid use cases and security boundaries. For instance, the official solution for multi-user servers is JupyterHub. Therefore, reports assuming multiple users on a JupyterLab instance may not be valid.

This project is restricted to static and dynamic analysis of the listed software packages. This program is specifically for software packages that you will install and test on your host. If you find yourself attacking targets online, you have exceeded the scope of this program.

## Security models

- For JupyterHub, the security model and settings are documented in [JupyterHub security](` + jupyterHubSecurityURL + `).
- For Jupyter Server, the security model and settings are documented in [Jupyter Server security](` + jupyterServerSecurityURL + `).
- For notebooks (available in JupyterLab and JupyterHub), the security model is:
  - Untrusted HTML is always sanitized
  - Untrusted JavaScript is never executed
  - HTML and JavaScript in Markdown cells are never trusted
  - Outputs generated by the user are trusted
  - Any other HTML or JavaScript (in Markdown cells, output generated by others) is never trusted
  - The central question of trust is “Did the current user do this?”

## Our worst-case scenarios

- Authentication bypasses that enable unauthorized users to execute code, change configurations, or otherwise impact the confidentially, availability, or integrity of authorized user data.
- Bypasses of default and/or secure configuration settings such as network restrictions that enable remote attacks.

## Useful infrastructure information

- You will need to install these packages in personal environments. We recommend using Python venv, conda, or mamba to isolate your installation from your system Python.
- To learn more about how users interact with the Jupyter ecosystem, check out videos from previous JupyterCons.

## Validation times

We will validate all submissions within the below timelines, counted in working days (Saturday and Sunday are not working days).

| Vulnerability severity | Time to validate |
|---|---|
`)
	// Most severe first, as the seed lists them.
	for i := len(bands) - 1; i >= 0; i-- {
		if d, ok := days[bands[i].Name]; ok {
			fmt.Fprintf(&b, "| %s | %d working days |\n", bands[i].Name, d)
		}
	}
	b.WriteString(`
## Severity assessment

This program follows contextual CVSS: the program scores the impact in the context of Jupyter's deployment model. The CVSS base score maps to a severity as follows:

| Severity | CVSS score |
|---|---|
`)
	for _, band := range bands {
		fmt.Fprintf(&b, "| %s | %.1f – %.1f |\n", band.Name, band.Min, band.Max)
	}
	lo, hi := rewardSpan(jupyterRewards)
	fmt.Fprintf(&b, `
## Rewards

JupyterLab, Jupyter Server and JupyterHub are tier %d assets, rewarded from %s to %s.

| Severity | Tier %d |
|---|---|
`, jupyterTier, euros(lo), euros(hi), jupyterTier)
	for _, r := range jupyterRewards {
		fmt.Fprintf(&b, "| %s | %s – %s |\n", r.Severity, euros(r.Min), euros(r.Max))
	}
	fmt.Fprintf(&b, `
The per-severity figures are illustrative: Jupyter's program gives only the %s – %s range for tier %d, and this demo splits it over the severities. This remains at the discretion of Jupyter to award.

## Check our fix

We offer up to %s bonus to verify a resolved issue for us (when requested). This remains at the discretion of Jupyter to award.
`, euros(lo), euros(hi), jupyterTier, euros(jupyterRetestBonus))
	b.WriteString(`
## Vulnerability information

Known vulnerabilities are tracked using the [CVE vendor ID 15653 for Jupyter](` + jupyterCVEURL + `).

[GitHub](` + githubDependencyAlerts + `) provides alerts about vulnerable dependencies. If your supply chain includes Jupyter projects, these alerts can help you respond to vulnerabilities quickly and easily.

## Community resources

We are working to identify and coordinate security efforts across the Jupyter community and within all the various subprojects. The [Jupyter Security](` + jupyterSecurityRepoURL + `) GitHub repo has information how to participate and contribute. For discussion, please use the special Discourse [security topic](` + jupyterForumURL + `) on the Jupyter Discourse server.
`)
	return b.String()
}

// jupyterLaunchUpdate is the program update the demo publishes.
func jupyterLaunchUpdate(days map[string]int) string {
	lo, hi := rewardSpan(jupyterRewards)
	return fmt.Sprintf(`Jupyter's bug bounty program now runs on Haven.

- **Scope:** recent versions of JupyterLab, Jupyter Server and JupyterHub, installed and tested on your own host. Online targets are out of scope.
- **Rewards:** %s to %s for tier %d, at Jupyter's discretion, and up to %s for checking a fix when we ask.
- **Validation:** within %d working days for Exceptional reports, %d for Critical, %d for High, %d for Medium and %d for Low.

Please read the policy, the rules of engagement and the out-of-scope list before you report.
`, euros(lo), euros(hi), jupyterTier, euros(jupyterRetestBonus),
		days["Exceptional"], days["Critical"], days["High"], days["Medium"], days["Low"])
}

// rewardSpan returns the smallest and largest amount of rewards.
func rewardSpan(rewards []haven.Reward) (lo, hi int64) {
	for i, r := range rewards {
		if i == 0 || r.Min < lo {
			lo = r.Min
		}
		if r.Max > hi {
			hi = r.Max
		}
	}
	return lo, hi
}

// euros formats an amount in euro cents as "€1,500" (or "€1,500.50").
func euros(cents int64) string {
	s := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	b.WriteString("€")
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if c := cents % 100; c != 0 {
		fmt.Fprintf(&b, ".%02d", c)
	}
	return b.String()
}

// seedJupyter creates the demo program from the seeds, as the system, with
// ownerEmail as its owner: an existing account becomes owner at once (the
// demo prints its password, so an invitation mail would only be in the
// way); an address without an account gets an invitation. The program
// is a draft until everything is in place, so nobody sees it half made;
// publishing it and its launch update then fill the activity feed. On data
// kept from an earlier demo run, where the program exists, it returns that
// program unchanged rather than adding its assets and canned responses
// twice.
func seedJupyter(ctx context.Context, a *app.App, ownerEmail string) (*haven.Program, error) {
	sys := haven.System
	owner, err := a.UserByEmail(ctx, sys, ownerEmail)
	var invite []string
	if errors.Is(err, haven.ErrNotFound) {
		owner, invite = nil, []string{ownerEmail}
	} else if err != nil {
		return nil, fmt.Errorf("demo program owner: %w", err)
	}
	p, err := a.CreateProgram(ctx, sys, app.NewProgram{
		Slug:         jupyterSlug,
		Name:         "Project Jupyter",
		Organisation: "Project Jupyter",
		Kind:         haven.KindBounty,
		Currency:     "EUR",
		Status:       haven.StatusDraft,
		Owners:       invite,
	})
	var inv *haven.InvalidError
	if errors.As(err, &inv) && inv.Fields["slug"] != "" {
		v, err := a.Program(ctx, sys, jupyterSlug)
		if err != nil {
			return nil, fmt.Errorf("demo program: %w", err)
		}
		return v.Program, nil
	}
	if err != nil {
		return nil, fmt.Errorf("demo program: %w", err)
	}
	if owner != nil {
		if err := a.SetMember(ctx, sys, p.ID, owner.ID, haven.RoleOwner); err != nil {
			return nil, fmt.Errorf("demo program owner: %w", err)
		}
	}

	bands := haven.DefaultBands()
	days := haven.DefaultValidationDays() // Exceptional 5, Critical 10, High 15, Medium 30, Low 60
	policy := jupyterPolicy(bands, days)
	rules, safeHarbour, guidelines := jupyterRules, jupyterSafeHarbour, jupyterGuidelines
	contact := jupyterContact
	links := []haven.Link{
		{Label: "Jupyter Server security", URL: jupyterServerSecurityURL},
		{Label: "JupyterHub security", URL: jupyterHubSecurityURL},
		{Label: "Security forum", URL: jupyterForumURL},
		{Label: "Jupyter security repository", URL: jupyterSecurityRepoURL},
		{Label: "Known vulnerabilities (CVE vendor 15653)", URL: jupyterCVEURL},
	}
	// The seeds name no time zone or holidays: the demo counts working days
	// in UTC with a Saturday and Sunday weekend.
	calendar := haven.DefaultCalendar()
	bonus := int64(jupyterRetestBonus)
	needsInfo := jupyterNeedsInfoDays
	if _, err := a.UpdateProgram(ctx, sys, jupyterSlug, app.ProgramPatch{
		Policy:         &policy,
		Rules:          &rules,
		SafeHarbour:    &safeHarbour,
		Guidelines:     &guidelines,
		ContactEmail:   &contact,
		Links:          &links,
		Bands:          &bands,
		ValidationDays: &days,
		Calendar:       &calendar,
		RetestBonus:    &bonus,
		NeedsInfoDays:  &needsInfo,
	}); err != nil {
		return nil, fmt.Errorf("demo program policy: %w", err)
	}

	for i, as := range jupyterAssets {
		instructions := jupyterInstall
		if as.note != "" {
			instructions += "\n\n" + as.note
		}
		if _, err := a.AddAsset(ctx, sys, jupyterSlug, app.AssetInput{
			Name:           as.name,
			Type:           "package",
			Identifier:     as.pkg, // its name on PyPI
			Tier:           jupyterTier,
			InScope:        true,
			BountyEligible: true,
			Description:    as.description,
			Instructions:   instructions,
			Position:       i,
		}); err != nil {
			return nil, fmt.Errorf("demo asset %s: %w", as.name, err)
		}
	}

	if err := a.SetRewards(ctx, sys, jupyterSlug, jupyterRewards); err != nil {
		return nil, fmt.Errorf("demo rewards: %w", err)
	}

	var classes []app.OutOfScopeInput
	for _, text := range jupyterOutOfScope() {
		classes = append(classes, app.OutOfScopeInput{Text: text})
	}
	if err := a.SetOutOfScope(ctx, sys, jupyterSlug, classes); err != nil {
		return nil, fmt.Errorf("demo out-of-scope list: %w", err)
	}

	for _, c := range []struct{ title, body string }{
		{"Vendor assessments", jupyterVendorAssessments},
		{"Scanner output without analysis", jupyterScannerAnswer},
	} {
		if _, err := a.AddCannedResponse(ctx, sys, jupyterSlug, c.title, c.body); err != nil {
			return nil, fmt.Errorf("demo canned response %q: %w", c.title, err)
		}
	}

	published := haven.StatusPublished
	if _, err := a.UpdateProgram(ctx, sys, jupyterSlug, app.ProgramPatch{Status: &published}); err != nil {
		return nil, fmt.Errorf("demo program: publishing: %w", err)
	}
	if _, err := a.PostUpdate(ctx, sys, jupyterSlug, "Program launched on Haven", jupyterLaunchUpdate(days), true); err != nil {
		return nil, fmt.Errorf("demo program update: %w", err)
	}

	v, err := a.Program(ctx, sys, jupyterSlug)
	if err != nil {
		return nil, fmt.Errorf("demo program: %w", err)
	}
	return v.Program, nil
}
